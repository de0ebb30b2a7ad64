//! The demo mailbox: in demo mode without an SMTP server, every e-mail the portal sends (sign-in
//! links included) is shown at `/demo/mail`. Outside demo mode the page and its server function
//! answer 404.
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::format::utc_minute;
use crate::ui::loaded::page_data;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoMail {
    pub to: String,
    pub subject: String,
    pub created_at: i64,
    pub text: String,
}

#[cfg(feature = "ssr")]
mod server {
    use super::DemoMail;
    use crate::error::AppError;
    use crate::web::app_state;

    pub async fn demo_mailbox() -> Result<Vec<DemoMail>, AppError> {
        let state = app_state()?;
        if !state.config.demo || state.config.mail.smtp.is_some() {
            return Err(AppError::NotFound);
        }
        let mut mails = Vec::new();
        let mut entries = match tokio::fs::read_dir(&state.config.mail.dir).await {
            Ok(entries) => entries,
            Err(_) => return Ok(mails),
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Ok(text) = tokio::fs::read_to_string(&path).await else { continue };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
            mails.push(DemoMail {
                to: value["to"].as_str().unwrap_or_default().to_string(),
                subject: value["subject"].as_str().unwrap_or_default().to_string(),
                created_at: value["created_at"].as_i64().unwrap_or_default(),
                text: value["text"].as_str().unwrap_or_default().to_string(),
            });
        }
        mails.sort_by_key(|mail| std::cmp::Reverse(mail.created_at));
        mails.truncate(50);
        Ok(mails)
    }
}

/// The mail folder of a demo install (no SMTP server), newest first, so a newcomer can follow
/// invitation and reset links. Not available otherwise.
#[server(prefix = "/api", endpoint = "demo_mailbox")]
pub async fn demo_mailbox() -> Result<Vec<DemoMail>, AppError> {
    server::demo_mailbox().await
}

/// Turns URLs in a plain-text mail into links (to this site: full page loads, see `rel`).
fn linkify(text: &str) -> impl IntoView {
    text.lines()
        .map(|line| {
            let line = line.to_string();
            if line.starts_with("http://") || line.starts_with("https://") {
                let href = line.clone();
                view! { <a href=href rel="external">{line}</a><br /> }.into_any()
            } else {
                view! { {line}<br /> }.into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn DemoMailPage() -> impl IntoView {
    let i18n = use_i18n();
    let mails = page_data(|| (), |_| demo_mailbox());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match mails.await {
                    // Outside demo mode (or with an SMTP server) the mailbox does not exist.
                    Err(_) => view! { <crate::ui::pages::NotFound /> }.into_any(),
                    Ok(list) => view! {
                        <Title text=t_string!(i18n, demo_mail_title) />
                        <section class="panel">
                            <h1>{t!(i18n, demo_mail_title)}</h1>
                            <p>{t!(i18n, demo_mail_lead)}</p>
                            {if list.is_empty() {
                                view! { <p>{t!(i18n, demo_mail_empty)}</p> }.into_any()
                            } else {
                                list.into_iter().map(|mail| view! {
                                    <article class="mail">
                                        <h2 class="mail__subject">{mail.subject.clone()}</h2>
                                        <p class="muted">{t!(i18n, demo_mail_to)} " " {mail.to.clone()} " · " {utc_minute(mail.created_at)}</p>
                                        <p class="mail__body">{linkify(&mail.text)}</p>
                                    </article>
                                }).collect_view().into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
