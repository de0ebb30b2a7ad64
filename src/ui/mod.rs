//! Shared components: the page frame and the pages of the shell.
pub mod layout;
pub mod pages;
