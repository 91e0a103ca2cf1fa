//! Sealing bytes to an X25519 public key, so that only the holder of the
//! matching secret can open them: RFC 9180 HPKE in base mode (X25519,
//! HKDF-SHA256, ChaCha20-Poly1305), one shot.
//!
//! Two things are sealed this way: a batch's content key to each device it
//! is for (src/exchange/envelope.rs), and a laptop's database key to each
//! user's unlock key (src/auth/key_file.rs). The `info` string names which,
//! so a sealed value of one kind never opens as the other.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use zeroize::Zeroizing;

type Kem25519 = X25519HkdfSha256;

/// An X25519 secret (32 bytes), wiped when dropped.
pub struct Secret(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A secret from 32 bytes (clamped when used, as X25519 does).
    pub fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Secret {
        Secret(bytes)
    }

    /// A fresh random secret.
    pub fn generate() -> Secret {
        use rand::RngCore;
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Secret(bytes)
    }

    /// Its bytes (a content key used directly as a symmetric key).
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn key(&self) -> Option<<Kem25519 as Kem>::PrivateKey> {
        <Kem25519 as Kem>::PrivateKey::from_bytes(self.0.as_ref()).ok()
    }

    /// The public half, hex.
    pub fn public_hex(&self) -> String {
        self.key()
            .map(|k| hex::encode(<Kem25519 as Kem>::sk_to_pk(&k).to_bytes()))
            .unwrap_or_default()
    }
}

/// What sealing made: the encapsulated key and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub enc: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Whether `public_hex` is a usable X25519 public key.
pub fn is_public_key(public_hex: &str) -> bool {
    hex::decode(public_hex)
        .ok()
        .is_some_and(|b| <Kem25519 as Kem>::PublicKey::from_bytes(&b).is_ok())
}

/// Seals `plain` to the holder of the secret behind `public_hex`; `None`
/// when that is not a public key.
pub fn seal(public_hex: &str, info: &[u8], aad: &[u8], plain: &[u8]) -> Option<Sealed> {
    let bytes = hex::decode(public_hex).ok()?;
    let pk = <Kem25519 as Kem>::PublicKey::from_bytes(&bytes).ok()?;
    let (enc, ciphertext) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Kem25519, _>(
        &OpModeS::Base,
        &pk,
        info,
        plain,
        aad,
        &mut rand::rngs::OsRng,
    )
    .ok()?;
    Some(Sealed {
        enc: enc.to_bytes().to_vec(),
        ciphertext,
    })
}

/// Opens what [`seal`] made for `secret`; `None` when it was sealed to
/// another key, with another `info` or `aad`, or altered.
pub fn open(
    secret: &Secret,
    info: &[u8],
    aad: &[u8],
    enc: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let sk = secret.key()?;
    let enc = <Kem25519 as Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Kem25519>(
        &OpModeR::Base,
        &sk,
        &enc,
        info,
        ciphertext,
        aad,
    )
    .ok()
    .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_matching_secret_with_the_same_info_and_aad_opens() {
        let a = Secret::generate();
        let b = Secret::generate();
        let s = seal(&a.public_hex(), b"info", b"aad", "王小明".as_bytes()).unwrap();
        let back = open(&a, b"info", b"aad", &s.enc, &s.ciphertext).unwrap();
        assert_eq!(back.as_slice(), "王小明".as_bytes());
        assert!(open(&b, b"info", b"aad", &s.enc, &s.ciphertext).is_none());
        assert!(open(&a, b"other", b"aad", &s.enc, &s.ciphertext).is_none());
        assert!(open(&a, b"info", b"other", &s.enc, &s.ciphertext).is_none());
        let mut bent = s.ciphertext.clone();
        bent[0] ^= 1;
        assert!(open(&a, b"info", b"aad", &s.enc, &bent).is_none());
        assert!(open(&a, b"info", b"aad", b"short", &s.ciphertext).is_none());
        assert!(seal("zz", b"info", b"aad", b"x").is_none());
        assert!(is_public_key(&a.public_hex()));
        assert!(!is_public_key("abcd"));
    }
}
