//! Passwords: argon2id hashes in PHC string form, the length rules
//! (managers and admins at least 8 characters, others at least 6), and the
//! unlock key derived from a password.
//!
//! The unlock key is an X25519 key pair whose secret is argon2id of the
//! password under its own salt — independent of the login hash, which
//! travels in the batches. Its public half travels with the user
//! (`user.added`, `user.password_set`, `user.unlock_key_set`), so an
//! encrypted laptop can seal its database key to every user, also users
//! added on the hub; the secret exists only while someone types the
//! password (src/auth/key_file.rs).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{AuthError, Role};
use crate::seal::Secret;

/// Domain separation of the unlock secret from the argon2id output.
const UNLOCK_DOMAIN: &[u8] = b"bianmin/unlock-key/v1";

/// The shortest password a role may have.
pub fn min_len(role: Role) -> usize {
    match role {
        Role::Manager | Role::Admin => 8,
        Role::Clerk | Role::Agent => 6,
    }
}

/// Refuses a password that is too short for `role`.
pub fn check_policy(role: Role, password: &str) -> Result<(), AuthError> {
    let min = min_len(role);
    if password.chars().count() < min {
        return Err(AuthError::PasswordTooShort {
            role: role.label(),
            min,
        });
    }
    Ok(())
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// A user's unlock key as it travels and is kept: the argon2id parameters
/// and salt (a PHC string without its hash) and the public half (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnlockKey {
    pub kdf: String,
    pub public_key: String,
}

/// A new unlock key for `password`, with a fresh salt.
pub fn unlock_key(password: &str) -> Result<UnlockKey, AuthError> {
    let phc = hash(password)?;
    let kdf = without_hash(&phc)?;
    let secret = unlock_secret(password, &kdf)?;
    Ok(UnlockKey {
        kdf,
        public_key: secret.public_hex(),
    })
}

/// The unlock secret of `password` under `kdf` (one argon2id hash).
pub fn unlock_secret(password: &str, kdf: &str) -> Result<Secret, AuthError> {
    let output = rehash(password, kdf)?;
    let mut h = Sha256::new();
    h.update(UNLOCK_DOMAIN);
    h.update(output.as_slice());
    Ok(Secret::from_bytes(Zeroizing::new(h.finalize().into())))
}

/// The argon2id output of `password` under the parameters and salt of
/// `kdf` (a PHC string, its hash if any ignored).
pub fn rehash(password: &str, kdf: &str) -> Result<Zeroizing<Vec<u8>>, AuthError> {
    let bad = || AuthError::Hash("密码参数无法解析".into());
    let parsed = PasswordHash::new(kdf).map_err(|_| bad())?;
    let salt = parsed.salt.ok_or_else(bad)?;
    let params = argon2::Params::try_from(&parsed).map_err(|_| bad())?;
    let out = Argon2::default()
        .hash_password_customized(
            password.as_bytes(),
            Some(parsed.algorithm),
            parsed.version,
            params,
            salt,
        )
        .map_err(|_| bad())?;
    let output = out.hash.ok_or_else(bad)?;
    Ok(Zeroizing::new(output.as_bytes().to_vec()))
}

/// A PHC string without its hash: the parameters and salt.
pub fn without_hash(phc: &str) -> Result<String, AuthError> {
    let parsed = PasswordHash::new(phc).map_err(|_| AuthError::Hash("密码摘要无法解析".into()))?;
    Ok(PasswordHash {
        hash: None,
        ..parsed
    }
    .to_string())
}

/// Whether `password` matches the stored hash. A malformed stored hash
/// never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let h = hash("柜台密码2026").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("柜台密码2026", &h));
        assert!(!verify("柜台密码2027", &h));
        assert!(!verify("x", "not a hash"));
        assert_ne!(h, hash("柜台密码2026").unwrap(), "salts differ");
    }

    #[test]
    fn the_unlock_key_follows_from_the_password_alone_and_not_from_the_login_hash() {
        let login = hash("代办密码2026").unwrap();
        let key = unlock_key("代办密码2026").unwrap();
        assert_eq!(
            unlock_secret("代办密码2026", &key.kdf)
                .unwrap()
                .public_hex(),
            key.public_key
        );
        assert_ne!(
            unlock_secret("代办密码2027", &key.kdf)
                .unwrap()
                .public_hex(),
            key.public_key
        );
        // Its salt is its own: the login hash's salt gives another key.
        assert_ne!(without_hash(&login).unwrap(), key.kdf);
        assert_ne!(
            unlock_secret("代办密码2026", &without_hash(&login).unwrap())
                .unwrap()
                .public_hex(),
            key.public_key
        );
        assert!(unlock_secret("x", "not a phc").is_err());
    }

    #[test]
    fn managers_need_eight_characters_clerks_six() {
        assert!(check_policy(Role::Manager, "1234567").is_err());
        assert!(check_policy(Role::Manager, "12345678").is_ok());
        assert!(check_policy(Role::Clerk, "12345").is_err());
        assert!(check_policy(Role::Clerk, "123456").is_ok());
    }
}
