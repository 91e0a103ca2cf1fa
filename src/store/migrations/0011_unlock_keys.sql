-- Migration 11: each user's unlock key (src/auth/password.rs): the
-- argon2id parameters and salt and the X25519 public half of a key pair
-- derived from the password, to which an encrypted laptop seals its
-- database key (src/auth/key_file.rs). NULL for a user whose password was
-- set before this step, until their next login.
ALTER TABLE users ADD COLUMN unlock_kdf TEXT;
ALTER TABLE users ADD COLUMN unlock_public TEXT;
