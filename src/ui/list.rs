//! What every filtered, keyset-paged list shares (orders, invoices and the lists to come): the
//! filter form, the empty state and the pager's addresses. Filters are a GET form, so a list works
//! without JavaScript and its address reproduces the view.
use crate::i18n::*;
use crate::ui::form::FormAlert;
use leptos::prelude::*;

/// The problem the server found with a filter field, if any.
pub fn problem_of(problems: &[(String, String)], field: &str) -> Option<String> {
    problems.iter().find(|(f, _)| f == field).map(|(_, r)| r.clone())
}

/// A list's filters: the form-level alert when a field is wrong, a way back to the start when a
/// page link no longer works, the fields (`children`), and Apply and Clear.
#[component]
pub fn ListFilters(
    /// The form's name, for its alert.
    form: &'static str,
    /// The list's address.
    action: &'static str,
    problems: Vec<(String, String)>,
    /// A page link that no longer works was followed.
    broken_link: bool,
    apply: Signal<String>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <FormAlert form code=(!problems.is_empty()).then(|| "fix_fields".to_string()) />
        {broken_link.then(|| view! { <p class="field__error">{t!(i18n, orders_link_broken)} " " <a href=action>{t!(i18n, orders_start_over)}</a></p> })}
        <form class="filters" method="get" action=action role="search">
            {children()}
            <div class="filters__actions">
                <button type="submit" class="button">{move || apply.get()}</button>
                <a class="button button--quiet" href=action>{t!(i18n, orders_clear)}</a>
            </div>
        </form>
    }
}

/// What an empty list says: that nothing matches the filters, or that there is nothing yet.
#[component]
pub fn EmptyList(filtered: bool, none_match: Signal<String>, none_yet: Signal<String>) -> impl IntoView {
    view! {
        <p class="empty">{move || if filtered { none_match.get() } else { none_yet.get() }}</p>
    }
}

/// The pager's addresses: the first page, when this is not it (`after` is set), and the next
/// page, when there is one. `query` writes the list's filters with a cursor (or none).
pub fn page_links(
    path: &str,
    after: &str,
    next: Option<String>,
    query: impl Fn(Option<&str>) -> String,
) -> (Option<String>, Option<String>) {
    let next = next.map(|cursor| format!("{path}?{}", query(Some(&cursor))));
    let first = (!after.is_empty()).then(|| match query(None) {
        query if query.is_empty() => path.to_string(),
        query => format!("{path}?{query}"),
    });
    (first, next)
}
