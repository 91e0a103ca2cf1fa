//! The applicant's 查询码: 6 characters they can read out over the phone,
//! drawn at random from digits and capitals without the look-alikes 0/O,
//! 1/I/L.

use rand::Rng;

/// The characters a query code uses (31 of them).
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The length of a query code.
pub const LEN: usize = 6;

/// A fresh random query code.
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    (0..LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Normalizes what an applicant reads out: upper-case, trimmed.
pub fn normalize(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_six_unambiguous_characters() {
        for _ in 0..2000 {
            let c = generate();
            assert_eq!(c.len(), LEN);
            assert!(c.bytes().all(|b| ALPHABET.contains(&b)), "{c}");
            assert!(!c.contains(['0', 'O', '1', 'I', 'L']), "{c}");
        }
    }

    #[test]
    fn codes_are_not_all_the_same() {
        let set: std::collections::HashSet<String> = (0..100).map(|_| generate()).collect();
        assert!(set.len() > 90);
    }
}
