//! Passwords: argon2id hashes in PHC string form, and the length rules
//! (managers and admins at least 8 characters, others at least 6).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::{AuthError, Role};

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
    fn managers_need_eight_characters_clerks_six() {
        assert!(check_policy(Role::Manager, "1234567").is_err());
        assert!(check_policy(Role::Manager, "12345678").is_ok());
        assert!(check_policy(Role::Clerk, "12345").is_err());
        assert!(check_policy(Role::Clerk, "123456").is_ok());
    }
}
