//! Server images: checked by their bytes, stored under the SHA-256 of
//! those bytes, served to anyone who has the address. An image is what an
//! admin shows beside a server's name, not a secret; the address names the
//! bytes, so it cannot be guessed, and can be cached for ever.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::ServerId;
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::store::{NewImage, StoredImage};

pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
pub const FIELD: &str = "image";
/// Django REST framework's words for a file that is not an image.
pub const NOT_AN_IMAGE: &str =
    "Upload a valid image. The file you uploaded was either not an image or a corrupted image.";
/// The URL path images are served under.
pub const MEDIA_PATH: &str = "/media/server-images";

/// The type and extension of PNG, JPEG and WebP bytes, by their signatures;
/// anything else (SVG above all, which can carry script) is `None`.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.starts_with(PNG) {
        Some(("image/png", "png"))
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some(("image/jpeg", "jpg"))
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// An uploaded file checked as an image, ready to store.
pub struct CheckedImage(NewImage);

/// Checks an upload before anything is written, so a bad image leaves no
/// server behind; the error is the `image` field's message.
pub fn check(bytes: &[u8], now: DateTime<Utc>) -> Result<CheckedImage, &'static str> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err("The image must be at most 2 MB.");
    }
    let (content_type, ext) = sniff(bytes).ok_or(NOT_AN_IMAGE)?;
    let name = format!("{}.{ext}", hex::encode(Sha256::digest(bytes)));
    Ok(CheckedImage(NewImage {
        name,
        content_type,
        bytes: bytes.to_vec(),
        at: now,
    }))
}

/// Sets a server's image (admins, as any change to a server); returns its name.
pub async fn set(
    ports: &Ports,
    actor: &Actor,
    server: ServerId,
    image: CheckedImage,
) -> ServiceResult<String> {
    actor.require_admin()?;
    let image = image.0;
    if !ports
        .store
        .put_server_image(actor.tenant_id, server, &image)
        .await?
    {
        return Err(ServiceError::NotFound);
    }
    Ok(image.name)
}

pub async fn clear(ports: &Ports, actor: &Actor, server: ServerId) -> ServiceResult<()> {
    actor.require_admin()?;
    ports
        .store
        .delete_server_image(actor.tenant_id, server)
        .await?;
    Ok(())
}

/// An image by its public name; anything that is not one is `None`
/// without a database read.
pub async fn public(ports: &Ports, name: &str) -> ServiceResult<Option<StoredImage>> {
    let well_formed = name.split_once('.').is_some_and(|(digest, ext)| {
        digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && ["png", "jpg", "webp"].contains(&ext)
    });
    if !well_formed {
        return Ok(None);
    }
    Ok(ports.store.server_image(name).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_png_jpeg_and_webp_are_images() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n rest"), Some(("image/png", "png")));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Some(("image/jpeg", "jpg")));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(("image/webp", "webp")));
        for not in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'/>"[..],
            b"<?xml version='1.0'?><svg/>",
            b"GIF89a",
            b"RIFF\0\0\0\0WAVE",
            b"",
        ] {
            assert_eq!(sniff(not), None, "{not:?}");
        }
    }
}
