//! Pseudonymous customer ids for the CX team: analysts follow one customer's journeys without
//! learning who the customer is. A pseudonym is a keyed hash (HMAC-SHA-256) of the account id,
//! stable for as long as the key is, and cannot be turned back into the id without the key.
//!
//! The key comes from `STYK_PSEUDONYM_KEY`, or is made once and kept in the database, so every
//! instance behind the load balancer derives the same pseudonyms.
use crate::db::{now_ms, Db};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use std::sync::Arc;

const SECRET_NAME: &str = "pseudonym_key";

/// Characters of a pseudonym (hex): 64 bits, plenty to tell customers apart.
const PSEUDONYM_LEN: usize = 16;

#[derive(Clone)]
pub struct Pseudonyms {
    /// The HMAC already keyed: keying hashes two blocks, as much as a pseudonym itself, and the
    /// journal's writer computes one for each customer of every batch.
    keyed: Arc<Hmac<Sha256>>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms(..)")
    }
}

impl Pseudonyms {
    pub fn from_key(key: &[u8]) -> Self {
        Pseudonyms { keyed: Arc::new(Hmac::new_from_slice(key).expect("HMAC takes a key of any length")) }
    }

    /// The configured key, or the one this installation made for itself.
    pub async fn load(db: &Db, configured: Option<&secrecy::SecretString>) -> Result<Self, sqlx::Error> {
        if let Some(key) = configured {
            return Ok(Self::from_key(key.expose_secret().as_bytes()));
        }
        let fresh: String = {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        };
        // The first instance to start stores its key; the others read it back.
        sqlx::query(
            "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(SECRET_NAME)
        .bind(&fresh)
        .bind(now_ms())
        .execute(&db.pool)
        .await?;
        let (stored,): (String,) = sqlx::query_as("SELECT value FROM instance_secrets WHERE name = $1")
            .bind(SECRET_NAME)
            .fetch_one(&db.pool)
            .await?;
        Ok(Self::from_key(stored.as_bytes()))
    }

    /// The pseudonym of a customer account.
    pub fn of(&self, account_id: &str) -> String {
        let mut mac = Hmac::clone(&self.keyed);
        mac.update(account_id.as_bytes());
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut pseudonym = String::with_capacity(PSEUDONYM_LEN);
        for byte in mac.finalize().into_bytes().iter().take(PSEUDONYM_LEN / 2) {
            pseudonym.push(char::from(HEX[usize::from(byte >> 4)]));
            pseudonym.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        pseudonym
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_keyed_and_reveal_nothing() {
        let one = Pseudonyms::from_key(b"a key of at least thirty-two chars!");
        let other = Pseudonyms::from_key(b"another key of thirty-two chars!!!");
        let account = "01hx3k9qz8w7v6t5s4r3";
        assert_eq!(one.of(account), one.of(account));
        assert_ne!(one.of(account), other.of(account), "a different key gives different pseudonyms");
        assert_ne!(one.of(account), one.of("01hx3k9qz8w7v6t5s4r4"));
        assert_eq!(one.of(account).len(), PSEUDONYM_LEN);
        assert!(!one.of(account).contains(account));
        // HMAC-SHA-256 as any other implementation computes it (Python's `hmac`), cut to 16 hex
        // digits: pseudonyms stored earlier stay valid.
        assert_eq!(one.of(account), "dc627d99c288a103");
    }
}
