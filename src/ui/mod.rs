//! Shared components: the page frame and the pages of the shell.
pub mod form;
pub mod format;
pub mod layout;
pub mod link;
pub mod list;
pub mod loaded;
pub mod pager;
pub mod pages;
pub mod priced;
pub mod viewer;

/// A translation as a `Signal<String>`, for the props of fields and guards that take one. The
/// caller imports `crate::i18n::*` and leptos' prelude, as every page does.
macro_rules! text {
    ($i18n:ident, $key:ident) => {
        Signal::derive(move || t_string!($i18n, $key).to_string())
    };
}
pub(crate) use text;
