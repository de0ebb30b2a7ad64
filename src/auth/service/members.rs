//! Member administration by an account's owners: roles and removal.
use super::*;

fn owner_of(principal: &Principal) -> Result<(&str, &str), Rejection> {
    match (&principal.viewer, principal.account_id.as_deref()) {
        (Viewer::Member(member), Some(account_id)) if member.role.manages_members() => {
            Ok((account_id, &member.member_id))
        }
        _ => Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN }),
    }
}

/// Sets a member's role. The member's sessions end, so the new role starts with a new session.
/// An account always keeps at least one owner.
pub async fn set_member_role(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    role_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let role = MemberRole::parse(role_raw).ok_or_else(|| field("role", FieldProblem::RoleInvalid))?;
    let mut tx = state.db.begin_write().await?;
    // Scoped to the owner's account: another account's member is simply not found.
    let before: Option<(String,)> =
        sqlx::query_as("SELECT role FROM members WHERE member_id = $1 AND account_id = $2 AND disabled_at IS NULL")
            .bind(member_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((before,)) = before else { return Err(Rejection::Failed(AppError::NotFound)) };
    if before == "owner" && role != MemberRole::Owner && owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    sqlx::query("UPDATE members SET role = $1, updated_at = $2 WHERE member_id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    if before != role.as_str() {
        let keep = (member_id == owner.id()).then_some(owner.auth_session_id.as_str());
        sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, keep, "role_changed").await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.role_changed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "before": before, "after": role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn owner_count(tx: &mut sqlx::Transaction<'static, sqlx::Any>, account_id: &str) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM members WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(count)
}

/// Removes a member from the account: they can no longer sign in, and their sessions end. The row
/// stays for the records that name them.
pub async fn remove_member(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let mut tx = state.db.begin_write().await?;
    let before: Option<(String,)> =
        sqlx::query_as("SELECT role FROM members WHERE member_id = $1 AND account_id = $2 AND disabled_at IS NULL")
            .bind(member_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((role,)) = before else { return Err(Rejection::Failed(AppError::NotFound)) };
    if role == "owner" && owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    let now = now_ms();
    sqlx::query("UPDATE members SET disabled_at = $1, updated_at = $1 WHERE member_id = $2")
        .bind(now)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE principal_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, None, "removed").await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.removed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "role": role }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
