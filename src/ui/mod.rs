//! Shared components: the page frame and the pages of the shell.
pub mod form;
pub mod format;
pub mod layout;
pub mod link;
pub mod loaded;
pub mod pager;
pub mod pages;
pub mod priced;
