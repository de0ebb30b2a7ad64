//! Identifiers customers can see: 100 random bits in Crockford base32 (20 characters). They do not
//! reveal how many accounts, orders or invoices exist, and cannot be guessed from a neighbour.
use rand::RngCore;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
pub const ID_LEN: usize = 20;

/// A fresh random id from the operating system's generator.
pub fn new_id() -> String {
    id_from(&mut rand::thread_rng())
}

/// An id drawn from the given generator (the demo data uses a seeded one to be reproducible).
pub fn id_from(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 13];
    rng.fill_bytes(&mut bytes);
    let mut bits: u128 = 0;
    for byte in bytes {
        bits = (bits << 8) | u128::from(byte);
    }
    (0..ID_LEN).map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect()
}

/// Whether `text` has the shape of an id, checked before it reaches a query.
pub fn looks_like_id(text: &str) -> bool {
    // A range match, not a search of `ALPHABET`: it runs for the visit cookie of every request.
    text.len() == ID_LEN
        && text
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'h' | b'j' | b'k' | b'm' | b'n' | b'p'..=b't' | b'v'..=b'z'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| looks_like_id(id)));
        // Exactly the alphabet's 32 letters pass.
        let passing: Vec<u8> =
            (0..=255u8).filter(|b| looks_like_id(&(*b as char).to_string().repeat(ID_LEN))).collect();
        assert_eq!(passing, ALPHABET.to_vec());
        assert!(!looks_like_id("0000000000000000000I"));
        assert!(!looks_like_id("short"));
    }
}
