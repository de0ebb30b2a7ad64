//! Outgoing e-mail: templates in every UI language, an outbox written in the same transaction as
//! the change that causes the mail, and a relay that delivers it over SMTP (or into a folder when
//! no SMTP server is configured).
pub mod outbox;
pub mod relay;
pub mod templates;

pub use outbox::enqueue;
pub use templates::{Mail, Template};
