//! A flow's secrets: the `state` the browser carries, the PKCE verifier that
//! never leaves the server, and how they are kept between the redirect and
//! the callback. The database holds a hash of the state (to find the row)
//! and the verifier sealed under a key derived from the state: a row read
//! out of the database redeems no code, and a state seen on the wire (the
//! authorization server sees it) yields no verifier without the row.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// A new flow's state and PKCE verifier: 32 random bytes each.
pub struct FlowSecrets {
    pub state: SecretString,
    pub verifier: SecretString,
}

impl FlowSecrets {
    pub fn generate() -> Self {
        Self {
            state: random_token(),
            verifier: random_token(),
        }
    }
}

/// 32 random bytes, base64url: RFC 7636's 43-character verifier, and a
/// state nobody can guess.
fn random_token() -> SecretString {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// How a state (or a session id) is looked up: SHA-256, hex, under a
/// label so the same value hashed for two purposes gives two keys.
pub fn lookup_hash(label: &str, value: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"switchboard oauth ");
    hash.update(label.as_bytes());
    hash.update([0]);
    hash.update(value.as_bytes());
    hex::encode(hash.finalize())
}

pub fn state_hash(state: &str) -> String {
    lookup_hash("state", state)
}

pub fn session_hash(session: &str) -> String {
    lookup_hash("session", session)
}

fn cipher(state: &str) -> Aes256Gcm {
    let mut hash = Sha256::new();
    hash.update(b"switchboard oauth verifier key\0");
    hash.update(state.as_bytes());
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&hash.finalize()))
}

/// The verifier, sealed under the state: hex of nonce then ciphertext.
pub fn seal(state: &SecretString, verifier: &SecretString) -> String {
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let sealed = cipher(state.expose_secret())
        .encrypt(&nonce, verifier.expose_secret().as_bytes())
        // Encryption fails only for inputs larger than AES-GCM allows.
        .unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend(sealed);
    hex::encode(out)
}

/// The verifier back, or `None` for a state that did not seal it.
pub fn unseal(state: &str, sealed: &str) -> Option<SecretString> {
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(12);
    let plain = cipher(state)
        .decrypt(Nonce::from_slice(nonce), ciphertext)
        .ok()?;
    String::from_utf8(plain).ok().map(SecretString::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verifier_unseals_only_with_its_state() {
        let flow = FlowSecrets::generate();
        assert_eq!(flow.verifier.expose_secret().len(), 43);
        let sealed = seal(&flow.state, &flow.verifier);
        assert!(!sealed.contains(flow.verifier.expose_secret()));
        let back = unseal(flow.state.expose_secret(), &sealed).expect("unseals");
        assert_eq!(back.expose_secret(), flow.verifier.expose_secret());
        let other = FlowSecrets::generate();
        assert!(unseal(other.state.expose_secret(), &sealed).is_none());
        assert!(unseal(flow.state.expose_secret(), "zz").is_none());
        assert!(unseal(flow.state.expose_secret(), "00").is_none());
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("hex");
        assert!(unseal(flow.state.expose_secret(), &tampered).is_none());
    }

    #[test]
    fn hashes_are_labelled_and_states_differ() {
        let a = FlowSecrets::generate();
        let b = FlowSecrets::generate();
        assert_ne!(a.state.expose_secret(), b.state.expose_secret());
        let s = a.state.expose_secret();
        assert_ne!(state_hash(s), session_hash(s));
        assert_eq!(state_hash(s), state_hash(s));
        assert_eq!(state_hash(s).len(), 64);
    }
}
