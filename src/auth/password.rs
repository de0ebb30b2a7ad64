//! Password hashing with argon2id at OWASP's parameters (m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately expensive, so it runs on the blocking pool behind a semaphore: a flood of
//! sign-ins waits its turn instead of starving page rendering or exhausting memory (each hash
//! holds 19 MiB while it runs).
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// At most this many hashes run at once (about 19 MiB each).
const CONCURRENT_HASHES: usize = 4;
static HASHING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(CONCURRENT_HASHES)));

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(#[from] argon2::password_hash::Error),
    #[error("password hashing task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("password hashing is shutting down")]
    Closed,
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string that records its parameters and salt.
pub async fn hash_password(password: SecretString) -> Result<String, PasswordError> {
    let _permit = HASHING.clone().acquire_owned().await.map_err(|_| PasswordError::Closed)?;
    let hash = tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(password.expose_secret().as_bytes(), &salt).map(|h| h.to_string())
    })
    .await??;
    Ok(hash)
}

/// Whether `password` matches the PHC string `hash`. A malformed stored hash counts as no match.
pub async fn verify_password(password: SecretString, hash: String) -> Result<bool, PasswordError> {
    let _permit = HASHING.clone().acquire_owned().await.map_err(|_| PasswordError::Closed)?;
    let matches = tokio::task::spawn_blocking(move || match PasswordHash::new(&hash) {
        Ok(parsed) => hasher().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    })
    .await?;
    Ok(matches)
}

/// A hash of a random password at today's parameters, verified against when there is no real
/// hash (unknown e-mail, invited member without a password), so that both cases take as long.
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Verifies against `hash`, or against the dummy hash when there is none; `false` in that case.
pub async fn verify_or_dummy(password: SecretString, hash: Option<String>) -> Result<bool, PasswordError> {
    match hash {
        Some(hash) => verify_password(password, hash).await,
        None => {
            let dummy = DUMMY_HASH
                .get_or_try_init(|| async {
                    let mut random = [0u8; 24];
                    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
                    hash_password(SecretString::from(format!("{random:?}"))).await
                })
                .await?;
            verify_password(password, dummy.clone()).await?;
            Ok(false)
        }
    }
}

/// Whether a stored hash was made with weaker or other parameters than today's, so that it is
/// upgraded at the next successful sign-in.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return true };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else { return true };
    params.m_cost() < MEMORY_KIB || params.t_cost() < ITERATIONS || params.p_cost() != PARALLELISM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_record_owasp_parameters() {
        let hash = hash_password(SecretString::from("correct horse battery staple")).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password(SecretString::from("correct horse battery staple"), hash.clone()).await.unwrap());
        assert!(!verify_password(SecretString::from("Correct horse battery staple"), hash.clone()).await.unwrap());
        assert!(!needs_rehash(&hash));
    }

    #[test]
    fn weaker_hashes_are_marked_for_upgrade() {
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"pw", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(needs_rehash(&weak));
        assert!(needs_rehash("not a hash"));
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_matches() {
        assert!(!verify_password(SecretString::from("x"), "garbage".into()).await.unwrap());
    }
}
