//! The one way a form that carries files is read: corrections now, complaints next.
//!
//! A multipart body is read to its end or refused. A read error (a cut connection, a body over
//! the route's limit, a malformed part) refuses the whole post; it is never taken as the end of a
//! file, which once stored a 3 MB PDF cut at axum's default 2 MiB limit as if it were whole. A file
//! longer than the per-file limit is drained and flagged, so the form can say so beside the field.
//! Stored files keep their size and SHA-256, checked again whenever they are served.
pub mod check;

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use sha2::{Digest, Sha256};

pub use check::{check, CheckedFile, Upload};

/// Files one form may hold: the number the forms promise ("up to 5 files").
pub const FILES_PER_FORM: usize = 5;

/// Text fields a form may carry, and characters kept of each: far above any real form.
const MAX_FIELDS: usize = 2_000;
const MAX_FIELD_CHARS: usize = 4_000;

/// A form as posted: its text fields and its files, each read whole.
#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

impl Posted {
    pub fn get(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

/// Why a multipart post could not be read. Either way nothing of it is stored.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnreadablePost {
    #[error("not a multipart form")]
    NotMultipart,
    /// The body broke off or was malformed: over the body limit, a cut connection, bad framing.
    #[error("the body could not be read to its end")]
    Broken,
    #[error("too many fields")]
    TooManyFields,
}

/// The largest body a form with files may send: its files at their limit, and its fields.
pub fn body_limit(max_file_bytes: usize, max_form_bytes: usize) -> usize {
    max_file_bytes * FILES_PER_FORM + max_form_bytes
}

/// The layer every route that takes files carries. axum's `Multipart` cuts a body at 2 MiB of its
/// own unless told otherwise; the bound of such a route is `server::routes::limit_body`'s, which
/// knows the route takes files ([`body_limit`]).
pub fn without_axums_default_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::disable()
}

/// Reads a multipart form whole (the route must carry [`without_axums_default_limit`]). Files over `max_file_bytes` come back flagged `oversize` with no
/// content; the caller refuses them beside the field.
pub async fn read<S: Send + Sync>(
    request: Request,
    state: &S,
    max_file_bytes: usize,
) -> Result<Posted, UnreadablePost> {
    let mut multipart = Multipart::from_request(request, state).await.map_err(|_| UnreadablePost::NotMultipart)?;
    let mut posted = Posted::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| UnreadablePost::Broken)? {
        let name = field.name().unwrap_or_default().to_string();
        let Some(file_name) = field.file_name().map(str::to_string) else {
            let value = field.text().await.map_err(|_| UnreadablePost::Broken)?;
            if posted.fields.len() >= MAX_FIELDS {
                return Err(UnreadablePost::TooManyFields);
            }
            posted.fields.push((name, value.chars().take(MAX_FIELD_CHARS).collect()));
            continue;
        };
        let mut content = Vec::new();
        let mut oversize = false;
        // Read to the end of the part even past the limit, so a read error anywhere is seen.
        while let Some(chunk) = field.chunk().await.map_err(|_| UnreadablePost::Broken)? {
            if oversize || content.len() + chunk.len() > max_file_bytes {
                oversize = true;
                content = Vec::new();
            } else {
                content.extend_from_slice(&chunk);
            }
        }
        // An empty file input still sends a part, with no name and no bytes.
        if file_name.is_empty() && content.is_empty() && !oversize {
            continue;
        }
        posted.files.push(Upload { file_name, content, oversize });
    }
    Ok(posted)
}

/// The SHA-256 of a file's bytes, as lower-case hex: stored beside the file, checked on download.
pub fn sha256_hex(content: &[u8]) -> String {
    Sha256::digest(content).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A stored file as read back: whether it is still what was stored.
pub fn is_intact(content: &[u8], size_bytes: i64, sha256: &str) -> bool {
    content.len() as i64 == size_bytes && sha256_hex(content) == sha256
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn multipart(parts: &[(&str, Option<&str>, &[u8])], boundary: &str) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file, content) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(file) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n").as_bytes(),
                ),
                None => body
                    .extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    /// Reads a body as a route with the uploads' layer does.
    async fn read_body(body: Vec<u8>, max_file_bytes: usize) -> Result<Posted, UnreadablePost> {
        use tower::{Layer, ServiceExt};
        let request = Request::post("/")
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(Body::from(body))
            .unwrap();
        let service = without_axums_default_limit().layer(tower::service_fn(move |request: Request| async move {
            Ok::<_, std::convert::Infallible>(read(request, &(), max_file_bytes).await)
        }));
        service.oneshot(request).await.unwrap_or_else(|never| match never {})
    }

    #[tokio::test]
    async fn fields_and_files_come_back_whole() {
        let file = vec![7u8; 3 * 1024 * 1024];
        let body =
            multipart(&[("key", None, b"abc"), ("files", Some("a.pdf"), &file), ("files", Some(""), b"")], "XYZ");
        let posted = read_body(body, 5 * 1024 * 1024).await.unwrap();
        assert_eq!(posted.get("key").as_deref(), Some("abc"));
        assert_eq!(posted.files.len(), 1, "an empty file input is no file");
        assert_eq!(posted.files[0].content, file, "over axum's default 2 MiB limit, still whole");
    }

    #[tokio::test]
    async fn an_oversize_file_is_flagged_without_content() {
        let body = multipart(&[("files", Some("big.pdf"), &[1u8; 2_000]), ("after", None, b"kept")], "XYZ");
        let posted = read_body(body, 1_000).await.unwrap();
        assert!(posted.files[0].oversize && posted.files[0].content.is_empty());
        assert_eq!(posted.get("after").as_deref(), Some("kept"), "the rest of the form is still read");
    }

    #[tokio::test]
    async fn a_body_cut_short_is_refused_not_taken_as_the_end_of_the_file() {
        let mut body = multipart(&[("files", Some("a.pdf"), &[1u8; 10_000])], "XYZ");
        body.truncate(5_000);
        assert_eq!(read_body(body, 1 << 20).await.err(), Some(UnreadablePost::Broken));
    }

    #[test]
    fn the_digest_finds_a_changed_file() {
        let digest = sha256_hex(b"%PDF-1.7");
        assert_eq!(digest.len(), 64);
        assert!(is_intact(b"%PDF-1.7", 8, &digest));
        assert!(!is_intact(b"%PDF-1.6", 8, &digest));
        assert!(!is_intact(b"%PDF-1.7 ", 9, &digest));
    }
}
