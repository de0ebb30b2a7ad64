//! Waiting for a page's data: every list and detail page shows its server function's result the
//! same way.
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// How data the server loaded travels to the browser inside the page, for hydration: MessagePack
/// (structs as arrays, no field names) in base64. leptos's default is JSON inside a JavaScript
/// string literal, escaped by Rust's `Debug` formatting a character at a time, every quote of every
/// field name included: a sizeable share of a list page's work. Base64 needs no escaping at all.
pub struct PageData;

impl<T: Serialize> codee::Encoder<T> for PageData {
    type Error = rmp_serde::encode::Error;
    /// leptos writes bytes into the page as base64.
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, Self::Error> {
        rmp_serde::to_vec(value)
    }
}

impl<T: DeserializeOwned> codee::Decoder<T> for PageData {
    type Error = rmp_serde::decode::Error;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, Self::Error> {
        rmp_serde::from_slice(bytes)
    }
}

/// A page's data, loaded from `fetcher` whenever `source` changes, and sent as [`PageData`].
#[track_caller]
pub fn page_data<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, PageData>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// A value computed on the server and handed to the browser as it was, sent as [`PageData`].
pub fn shared_value<T>(initial: impl FnOnce() -> T) -> T
where
    T: Serialize + DeserializeOwned,
{
    leptos::server::SharedValue::<T, PageData>::new_with_encoding(initial).into_inner()
}

/// Renders `ready` with the loaded value, or the error's translated message as an alert (its
/// detail stays in the server log). It renders on the server too, so the page needs no JavaScript.
#[component]
pub fn Loaded<T, V, F>(data: Resource<Result<T, AppError>, PageData>, ready: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let status = PageStatus::capture();
    let content = move || {
        let ready = ready.clone();
        let status = status.clone();
        Suspend::new(async move {
            match data.await {
                Ok(value) => ready(value).into_any(),
                Err(error) => view! {
                    {status.set(error.status_code())}
                    <p class="alert" role="alert">{move || error.message(i18n.get_locale())}</p>
                }
                .into_any(),
            }
        })
    };
    // The server renders the content once, as it is. Wrapped in a closure, it was built twice
    // whenever the data had arrived before the first pass (the pass that finds the resources
    // calls the closure, and so does the render): a whole table of rows, formatted twice. The
    // HTML is the same either way; the browser keeps the closure, so the view follows its data.
    #[cfg(feature = "ssr")]
    let content = content();
    view! { <Suspense fallback=|| ()>{content}</Suspense> }
}

/// The HTTP status of the page being rendered on the server, settable once its data has loaded
/// (pages that await their data before the first byte, `SsrMode::Async`). In the browser it does
/// nothing: the page is already there.
#[derive(Clone, Default)]
pub struct PageStatus {
    #[cfg(feature = "ssr")]
    options: Option<leptos_axum::ResponseOptions>,
}

impl PageStatus {
    /// Takes the response of the page being rendered; call it while the component is created.
    pub fn capture() -> Self {
        PageStatus {
            #[cfg(feature = "ssr")]
            options: use_context::<leptos_axum::ResponseOptions>(),
        }
    }

    pub fn set(&self, code: u16) {
        #[cfg(feature = "ssr")]
        if let (Some(options), Ok(status)) = (&self.options, axum::http::StatusCode::from_u16(code)) {
            options.set_status(status);
        }
        #[cfg(not(feature = "ssr"))]
        let _ = code;
    }
}
