//! Ids and positions as they travel in URLs: the public id's shape, the keyset cursor of a list
//! page, and query values.
use serde::{Deserialize, Serialize};

/// Where the next page of a list starts: the sort key and id of the last row shown (keyset
/// pagination, so page 400 costs what page 1 does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: i64,
    pub id: String,
}

impl Cursor {
    /// `<key>.<id>`: short, opaque enough, and checked before it reaches a query.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.key, self.id)
    }

    pub fn parse(raw: &str) -> Option<Cursor> {
        let (key, id) = raw.split_once('.')?;
        let key: i64 = key.parse().ok()?;
        (key >= 0 && looks_like_id(id)).then(|| Cursor { key, id: id.to_string() })
    }
}

/// Whether `text` has the shape of a public id (20 characters of Crockford base32, as
/// `db::ids` makes them), checked before it reaches a query.
pub fn looks_like_id(text: &str) -> bool {
    text.len() == 20 && text.bytes().all(|b| b"0123456789abcdefghjkmnpqrstvwxyz".contains(&b))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor { key: 1_795_996_800_000, id: "0123456789abcdefghjk".into() };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in ["", "12", "x.0123456789abcdefghjk", "-5.0123456789abcdefghjk", "5.short", "5.0123456789ABCDEFGHJK"]
        {
            assert!(Cursor::parse(bad).is_none(), "{bad}");
        }
        assert!(Cursor::parse("99999999999999999999999.0123456789abcdefghjk").is_none());
    }
}
