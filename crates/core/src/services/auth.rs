//! Passwords (argon2id) and API tokens (random, stored as SHA-256 hashes). Hashing is slow
//! on purpose, so callers run it outside any storage transaction.

use crate::error::{Error, Result};
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};

/// argon2's working memory (19 MiB with the default parameters) is reserved in one piece
/// larger than the C library's largest threshold for giving a block a mapping of its own
/// (glibc: 32 MiB), and only the part used is touched. So it always gets its own mapping
/// and goes back to the system when the check ends; allocated the usual way, a burst of
/// sign-ins left tens of MiB per thread in malloc's arenas for good.
const RESERVED_BLOCKS: usize = (33 << 20) / Block::SIZE;

/// Runs argon2 `argon` over `password` and `salt` into `out`, in working memory of its own.
fn argon2_into(argon: &Argon2, params: &Params, password: &str, salt: &[u8], out: &mut [u8]) -> Result<()> {
    let blocks = params.block_count();
    let mut memory: Vec<Block> = Vec::with_capacity(blocks.max(RESERVED_BLOCKS));
    memory.resize(blocks, Block::new());
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory)
        .map_err(|e| Error::Internal(e.to_string()))
}

/// A new password's PHC string: argon2id with OWASP's recommended parameters (the
/// crate's defaults), a random 16-byte salt.
pub fn hash_password(password: &str) -> Result<String> {
    let internal = |e: argon2::password_hash::Error| Error::Internal(e.to_string());
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let salt_string = SaltString::encode_b64(&salt).map_err(internal)?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&argon, &params, password, &salt, &mut out)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal)?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(internal)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `hash` (any argon2 variant and parameters
/// the string names); the comparison takes the same time wherever they differ.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let check = || -> Option<bool> {
        let phc = PasswordHash::new(hash).ok()?;
        let expected = phc.hash?;
        let algorithm = Algorithm::try_from(phc.algorithm).ok()?;
        let version = phc.version.map_or(Ok(Version::default()), Version::try_from).ok()?;
        let params = Params::try_from(&phc).ok()?;
        let salt: Salt = phc.salt?;
        let mut salt_bytes = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_bytes).ok()?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        argon2_into(&argon, &params, password, salt, &mut out).ok()?;
        // Output's equality is constant-time.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// A hash to compare against when the account does not exist, so that a login for an
/// unknown email takes as long as one with a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").expect("hashing works"))
}

/// A new API token (shown once to the user) and the hash that is stored.
pub fn new_token() -> Result<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    Ok((token, hash))
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    /// Hashes made before (by the crate's own path) still verify, and new ones verify with
    /// the crate's verifier: same algorithm, parameters and encoding.
    #[test]
    fn hashes_agree_with_the_argon2_crates_own_path() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let old = Argon2::default().hash_password(b"correct horse", &salt).unwrap().to_string();
        assert!(verify_password("correct horse", &old));
        assert!(!verify_password("correct horsf", &old));
        let new = hash_password("correct horse").unwrap();
        assert!(new.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{new}");
        let parsed = PasswordHash::new(&new).unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"wrong horse", &parsed).is_err());
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (t1, h1) = new_token().unwrap();
        let (t2, _) = new_token().unwrap();
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 64);
        assert_eq!(token_hash(&t1), h1);
        assert_ne!(t1, h1);
    }
}
