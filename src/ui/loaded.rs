//! Waiting for a page's data: every list and detail page shows its server function's result the
//! same way.
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// Renders `ready` with the loaded value, or the error's translated message as an alert (its
/// detail stays in the server log). It renders on the server too, so the page needs no JavaScript.
#[component]
pub fn Loaded<T, V, F>(data: Resource<Result<T, AppError>>, ready: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let ready = ready.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => ready(value).into_any(),
                        Err(error) => view! {
                            <p class="alert" role="alert">{move || error.message(i18n.get_locale())}</p>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
