//! The links under a keyset-paged list: back to the first page, on to the next.
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn Pager(
    /// The first page's address, when this is not it.
    first: Option<String>,
    /// The next page's address, when there is one.
    next: Option<String>,
    /// What the navigation is called for screen readers.
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || label.get()>
            {first.map(|href| view! { <a class="button button--quiet" href=href>{t!(i18n, orders_first_page)}</a> })}
            {next.map(|href| view! { <a class="button button--quiet" rel="next" href=href>{t!(i18n, orders_next_page)}</a> })}
        </nav>
    }
}
