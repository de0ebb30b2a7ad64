//! Value types every feature uses, shared by server and browser: calendar dates, ids and list
//! cursors as they travel in URLs, money and VAT, and who is looking (the viewer and the roles).
//! The kernel imports no feature.
pub mod cursor;
pub mod dates;
pub mod money;
pub mod viewer;
