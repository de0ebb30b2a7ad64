//! What a customer may attach: PDF, PNG or JPEG, recognised by content rather than by name, under
//! a size limit, with a plain file name. Anything else is refused with a reason the form shows.
//!
//! Three formats are recognised by their signatures (ISO 32000 `%PDF-`, the PNG signature, the
//! JPEG SOI marker); a content-sniffing library would add dozens of formats we must refuse anyway.

/// A file as it arrived.
pub struct Upload {
    pub file_name: String,
    pub content: Vec<u8>,
    /// The file was longer than the limit; none of its content was kept.
    pub oversize: bool,
}

/// A file that passed every check.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedFile {
    pub file_name: String,
    pub content_type: &'static str,
}

const KINDS: [(&[u8], &str, &[&str]); 3] = [
    (b"%PDF-", "application/pdf", &["pdf"]),
    (b"\x89PNG\r\n\x1a\n", "image/png", &["png"]),
    (b"\xff\xd8\xff", "image/jpeg", &["jpg", "jpeg"]),
];

/// Checks one file; the error is a field problem code.
pub fn check(upload: &Upload) -> Result<CheckedFile, &'static str> {
    let name = upload.file_name.trim();
    // Browsers send a bare name; a path, a parent reference or control characters mean a crafted
    // request, refused rather than cleaned so nothing is stored under a name nobody chose.
    if name.is_empty()
        || name.len() > 120
        || name.contains(['/', '\\', '\0'])
        || name.contains("..")
        || name.chars().any(char::is_control)
    {
        return Err("file_name_invalid");
    }
    if upload.oversize {
        return Err("file_too_large");
    }
    if upload.content.is_empty() {
        return Err("file_empty");
    }
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    let Some((_, content_type, extensions)) = KINDS.iter().find(|(magic, _, _)| upload.content.starts_with(magic))
    else {
        return Err("file_type_not_allowed");
    };
    // A PDF named .png is as suspicious as HTML named .pdf.
    if !extensions.contains(&extension.as_str()) {
        return Err("file_type_not_allowed");
    }
    Ok(CheckedFile { file_name: name.to_string(), content_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(name: &str, content: &[u8]) -> Upload {
        Upload { file_name: name.to_string(), content: content.to_vec(), oversize: false }
    }

    #[test]
    fn pdf_png_and_jpeg_pass_by_content() {
        assert_eq!(check(&upload("faktura.pdf", b"%PDF-1.7 ...")).unwrap().content_type, "application/pdf");
        assert_eq!(check(&upload("zdjęcie.PNG", b"\x89PNG\r\n\x1a\nxxxx")).unwrap().content_type, "image/png");
        assert_eq!(check(&upload("a.jpeg", b"\xff\xd8\xff\xe0")).unwrap().content_type, "image/jpeg");
    }

    #[test]
    fn disguised_files_are_refused() {
        assert_eq!(check(&upload("invoice.pdf", b"<html><script>alert(1)</script>")), Err("file_type_not_allowed"));
        assert_eq!(check(&upload("photo.png", b"%PDF-1.7")), Err("file_type_not_allowed"));
        assert_eq!(check(&upload("noextension", b"%PDF-1.7")), Err("file_type_not_allowed"));
    }

    #[test]
    fn paths_and_odd_names_are_refused() {
        for name in ["../../etc/passwd.pdf", "..\\boot.pdf", "dir/a.pdf", "a\u{0}.pdf", "", "a\nb.pdf"] {
            assert_eq!(check(&upload(name, b"%PDF-1.7")), Err("file_name_invalid"), "{name:?}");
        }
    }

    #[test]
    fn oversize_and_empty_files_are_refused() {
        let big = Upload { file_name: "a.pdf".into(), content: b"%PDF-".to_vec(), oversize: true };
        assert_eq!(check(&big), Err("file_too_large"));
        assert_eq!(check(&upload("a.pdf", b"")), Err("file_empty"));
    }
}
