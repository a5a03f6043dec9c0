//! Attachments' bytes: the blob store (content-addressed files under the data directory,
//! or an S3-compatible bucket), uploads streamed into it, images measured and thumbnailed,
//! and files served to the people allowed to read them.
//!
//! A blob is named by the SHA-256 of its content, so the same file uploaded twice is
//! stored once. An upload is spooled to a temporary file (hashed and counted as it
//! arrives, never held in memory), then moved into the store. The records — who uploaded
//! what, which posts carry it — are in the database (`services::attachments`).

use crate::api::decode;
use crate::api::error::ApiError;
use crate::app::App;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, Multipart, Path as UrlPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use object_store::{ObjectStore, ObjectStoreExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use weft_core::services::attachments;
use weft_core::store::StoredAttachment;
use weft_core::{Error, NotFound, Result};

/// The default limit on one uploaded file.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100 * 1024 * 1024;
/// Room for the multipart body's other fields and framing, besides the file.
const MULTIPART_OVERHEAD: u64 = 1024 * 1024;
/// The longest text field of an upload.
const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Images larger than this on a side are not decoded (their size is still read).
const MAX_IMAGE_SIDE: u32 = 16_384;
/// The most memory one image's decoding may take: a decompression bomb stops here.
const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;
/// Thumbnails fit in this square.
const THUMBNAIL_SIDE: u32 = 400;
/// Images decoded at once on a node (each may take `MAX_DECODE_BYTES`).
const DECODES_AT_ONCE: usize = 2;
/// The policy of every file response: a file is never a page that runs anything.
const FILE_CSP: &str = "sandbox; default-src 'none'";

/// Where attachments are stored and how large they may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesConfig {
    /// `s3://bucket/prefix` for an S3-compatible object store; None: files under the data
    /// directory (`<data>/files`).
    pub url: Option<String>,
    /// The object store's endpoint (for stores other than Amazon S3, e.g. MinIO).
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// The largest file one upload may carry.
    pub max_upload_bytes: u64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            url: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
        }
    }
}

/// The bucket and key prefix of an `s3://bucket/prefix` URL.
pub fn parse_s3_url(url: &str) -> std::result::Result<(String, String), String> {
    let rest =
        url.strip_prefix("s3://").ok_or_else(|| format!("--attachments-url must be s3://bucket/prefix (got {url})"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("--attachments-url names no bucket: {url}"));
    }
    Ok((bucket.to_string(), prefix.trim_matches('/').to_string()))
}

/// Where blobs live.
enum Blobs {
    /// `<root>/<first two hex digits>/<sha256>`.
    Local(PathBuf),
    /// `<prefix>/<first two hex digits>/<sha256>` in a bucket.
    S3 { store: Arc<dyn ObjectStore>, prefix: String },
}

/// The attachments' blob store of a node.
pub struct Files {
    blobs: Blobs,
    /// Where uploads are spooled before they are moved into the store.
    spool: PathBuf,
    pub max_upload_bytes: u64,
    decodes: tokio::sync::Semaphore,
}

fn io_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("attachment storage: {e}"))
}

impl Files {
    /// The store `config` names, under `data` by default.
    pub fn open(config: &FilesConfig, data: &Path) -> std::result::Result<Files, String> {
        let spool = data.join("files").join("tmp");
        std::fs::create_dir_all(&spool).map_err(|e| format!("cannot create {}: {e}", spool.display()))?;
        let blobs = match &config.url {
            None => {
                let root = data.join("files").join("blobs");
                std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
                Blobs::Local(root)
            }
            Some(url) => {
                let (bucket, prefix) = parse_s3_url(url)?;
                // TLS for the object store's client goes through rustls with ring, as email does.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut b = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(config.s3_region.clone().unwrap_or_else(|| "us-east-1".into()));
                if let Some(endpoint) = &config.s3_endpoint {
                    b = b.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some(key) = &config.s3_access_key_id {
                    b = b.with_access_key_id(key);
                }
                if let Some(secret) = &config.s3_secret_access_key {
                    b = b.with_secret_access_key(secret);
                }
                let store = b.build().map_err(|e| format!("the attachments' object store: {e}"))?;
                Blobs::S3 { store: Arc::new(store), prefix }
            }
        };
        Ok(Files {
            blobs,
            spool,
            max_upload_bytes: config.max_upload_bytes,
            decodes: tokio::sync::Semaphore::new(DECODES_AT_ONCE),
        })
    }

    fn local_path(root: &Path, sha: &str) -> PathBuf {
        root.join(&sha[..2]).join(sha)
    }

    fn key(prefix: &str, sha: &str) -> object_store::path::Path {
        let key = format!("{}/{sha}", &sha[..2]);
        object_store::path::Path::from(if prefix.is_empty() { key } else { format!("{prefix}/{key}") })
    }

    fn trash_key(prefix: &str, sha: &str) -> object_store::path::Path {
        let key = format!("trash/{sha}");
        object_store::path::Path::from(if prefix.is_empty() { key } else { format!("{prefix}/{key}") })
    }

    /// A new spool file's path.
    fn spool_path(&self) -> PathBuf {
        let mut b = [0u8; 12];
        let _ = getrandom::fill(&mut b);
        self.spool.join(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
    }

    /// Moves a spooled file into the store as blob `sha` (a blob of that name holds the
    /// same bytes already; it is written again, so a sweep racing this cannot lose it).
    async fn put(&self, sha: &str, spooled: &Path) -> Result<()> {
        match &self.blobs {
            Blobs::Local(root) => {
                let path = Self::local_path(root, sha);
                tokio::fs::create_dir_all(path.parent().expect("a blob has a folder")).await.map_err(io_error)?;
                tokio::fs::rename(spooled, &path).await.map_err(io_error)
            }
            Blobs::S3 { store, prefix } => {
                let mut file = tokio::fs::File::open(spooled).await.map_err(io_error)?;
                let mut out = object_store::buffered::BufWriter::new(store.clone(), Self::key(prefix, sha));
                let copied = tokio::io::copy(&mut file, &mut out).await;
                match copied {
                    Ok(_) => out.shutdown().await.map_err(io_error)?,
                    Err(e) => {
                        let _ = out.abort().await;
                        return Err(io_error(e));
                    }
                }
                let _ = tokio::fs::remove_file(spooled).await;
                Ok(())
            }
        }
    }

    /// A blob's bytes as a response body, and its length.
    async fn open_blob(&self, sha: &str) -> Result<(Body, u64)> {
        match &self.blobs {
            Blobs::Local(root) => {
                let file = tokio::fs::File::open(Self::local_path(root, sha)).await.map_err(io_error)?;
                let len = file.metadata().await.map_err(io_error)?.len();
                Ok((Body::from_stream(tokio_util::io::ReaderStream::new(file)), len))
            }
            Blobs::S3 { store, prefix } => {
                let got = store.get(&Self::key(prefix, sha)).await.map_err(io_error)?;
                let len = got.meta.size;
                let stream = got.into_stream().map(|chunk| chunk.map_err(std::io::Error::other));
                Ok((Body::from_stream(stream), len))
            }
        }
    }

    /// Sets a blob aside (the sweep's first step): it is gone from the store, but can be put
    /// back if an upload claimed it meanwhile.
    async fn set_aside(&self, sha: &str) -> Result<Option<PathBuf>> {
        match &self.blobs {
            Blobs::Local(root) => {
                let aside = self.spool_path();
                match tokio::fs::rename(Self::local_path(root, sha), &aside).await {
                    Ok(()) => Ok(Some(aside)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io_error(e)),
                }
            }
            Blobs::S3 { store, prefix } => {
                let (from, to) = (Self::key(prefix, sha), Self::trash_key(prefix, sha));
                match store.copy(&from, &to).await {
                    Ok(()) => {}
                    Err(object_store::Error::NotFound { .. }) => return Ok(None),
                    Err(e) => return Err(io_error(e)),
                }
                store.delete(&from).await.map_err(io_error)?;
                Ok(Some(PathBuf::new()))
            }
        }
    }

    /// Puts a blob set aside back (an upload claimed it while the sweep was deleting it).
    async fn put_back(&self, sha: &str, aside: &Path) -> Result<()> {
        match &self.blobs {
            Blobs::Local(_) => self.put(sha, aside).await,
            Blobs::S3 { store, prefix } => {
                let (from, to) = (Self::trash_key(prefix, sha), Self::key(prefix, sha));
                store.copy(&from, &to).await.map_err(io_error)?;
                store.delete(&from).await.map_err(io_error)
            }
        }
    }

    /// Deletes a blob set aside for good.
    async fn discard(&self, sha: &str, aside: &Path) -> Result<()> {
        match &self.blobs {
            Blobs::Local(_) => tokio::fs::remove_file(aside).await.map_err(io_error),
            Blobs::S3 { store, prefix } => store.delete(&Self::trash_key(prefix, sha)).await.map_err(io_error),
        }
    }

    /// Whether the store holds blob `sha` (for tests and checks).
    pub async fn has_blob(&self, sha: &str) -> Result<bool> {
        match &self.blobs {
            Blobs::Local(root) => Ok(tokio::fs::try_exists(Self::local_path(root, sha)).await.map_err(io_error)?),
            Blobs::S3 { store, prefix } => match store.head(&Self::key(prefix, sha)).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(e) => Err(io_error(e)),
            },
        }
    }
}

/// One step of the sweep (a background worker): deletes uploads nobody posted a day after
/// their upload (and attachments no post carries any more), then the blobs no attachment
/// names. Safe on several nodes at once. Answers how many attachments and blobs went.
pub async fn sweep(app: &App) -> Result<usize> {
    let now = app.clock.now();
    if !app.store.read(move |tx| attachments::sweep_due(tx, now)).await? {
        return Ok(0);
    }
    let (deleted, blobs) = app.store.write(move |tx| attachments::sweep(tx, now)).await?;
    let mut done = deleted;
    for sha in blobs {
        // Set aside, then forget it in the database unless an upload claimed it meanwhile
        // (the writer orders that decision against the upload's claim): then put it back.
        let Some(aside) = app.files.set_aside(&sha).await? else {
            let s = sha.clone();
            app.store.write(move |tx| attachments::forget_blob(tx, &s, now)).await?;
            continue;
        };
        let s = sha.clone();
        if app.store.write(move |tx| attachments::forget_blob(tx, &s, now)).await? {
            app.files.discard(&sha, &aside).await?;
            done += 1;
        } else {
            app.files.put_back(&sha, &aside).await?;
        }
    }
    Ok(done)
}

// ---- the API's view of an upload ----

/// Whether an attachment is shown as an image or offered as a file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UrlType {
    File,
    Image,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UploadState {
    Uploaded,
}

/// Twist's Attachment object: what `attachments/upload` answers and posts carry in their
/// `attachments` list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Attachment {
    /// The id the client chose.
    pub attachment_id: String,
    pub url_type: UrlType,
    pub title: String,
    /// Where the file is downloaded (signed-in readers only): an address under
    /// `--public-url`, or a path of this server without it.
    pub url: String,
    pub file_name: String,
    pub file_size: i64,
    /// The file's MIME type (sniffed for images).
    pub underlying_type: String,
    pub upload_state: UploadState,
    /// An image's thumbnail (or the image itself when it is small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_width: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_height: Option<i64>,
}

/// The content of the `file` part of an upload: any bytes.
#[derive(Debug)]
pub struct FilePart;

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| FilePart)
    }
}

impl JsonSchema for FilePart {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FilePart".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "binary", "description": "The file's content"})
    }
}

/// `attachments/upload`: a multipart/form-data body.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Upload {
    /// The client's id for the attachment (a UUID, say): letters, digits, `-` and `_`.
    pub attachment_id: weft_core::input::AttachmentId,
    /// The file's name (default: the file part's name).
    #[serde(default)]
    pub file_name: Option<weft_core::input::FileName>,
    /// Accepted for compatibility: the server counts the bytes itself.
    #[serde(default)]
    pub file_size: Option<i64>,
    /// The file's MIME type as the client sees it; an image's type is read from its bytes.
    #[serde(default)]
    pub underlying_type: Option<MimeClaim>,
    pub file: FilePart,
}

/// A MIME type as a client states it: any text of at most 255 characters (used only when
/// it is a well-formed type, see `mime_claim`).
#[derive(Debug)]
pub struct MimeClaim(String);

impl<'de> Deserialize<'de> for MimeClaim {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if raw.chars().count() > 255 {
            return Err(weft_core::input::reject(Error::invalid("underlying_type", "longer than 255 characters")));
        }
        Ok(MimeClaim(raw))
    }
}

impl JsonSchema for MimeClaim {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MimeClaim".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "maxLength": 255})
    }
}

/// The fields of an upload; any other part is refused.
const UPLOAD_FIELDS: [&str; 5] = ["attachment_id", "file_name", "file_size", "underlying_type", "file"];

/// The route table's `attachments/upload` handler: only reached from a batch, which
/// carries forms, not files. Direct calls are served by `upload`.
pub async fn upload_in_batch(_: crate::api::Cx, _: Upload) -> Result<Attachment> {
    Err(Error::BadRequest("attachments/upload takes a multipart/form-data body; it cannot be part of a batch".into()))
}

/// `attachments/remove`: takes an attachment off a post.
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(extend("oneOf" = [{"required": ["thread_id"]}, {"required": ["comment_id"]}, {"required": ["message_id"]}]))]
pub struct Remove {
    pub attachment_id: weft_core::input::AttachmentId,
    #[serde(default)]
    pub thread_id: Option<weft_core::ThreadId>,
    #[serde(default)]
    pub comment_id: Option<weft_core::CommentId>,
    #[serde(default)]
    pub message_id: Option<weft_core::MessageId>,
}

pub async fn remove(cx: crate::api::Cx, p: Remove) -> Result<crate::api::Stored<crate::api::Status>> {
    use weft_core::store::PostRef;
    let post = match (p.thread_id, p.comment_id, p.message_id) {
        (Some(t), None, None) => PostRef::Thread(t),
        (None, Some(c), None) => PostRef::Comment(c),
        (None, None, Some(m)) => PostRef::Message(m),
        (None, None, None) => return Err(Error::missing("thread_id")),
        _ => return Err(Error::invalid("thread_id", "give one of thread_id, comment_id and message_id")),
    };
    let actor = cx.actor()?.clone();
    let now = cx.now();
    let id = p.attachment_id.into_inner();
    cx.write(move |tx| attachments::detach(tx, &actor, &id, post, now).map(|_| crate::api::ok())).await
}

// ---- uploading ----

/// What an image's bytes say.
struct ImageInfo {
    mime: &'static str,
    width: u32,
    height: u32,
    /// The thumbnail's bytes and type, for an image larger than a thumbnail.
    thumbnail: Option<(Vec<u8>, &'static str)>,
}

/// The image types shown inline, told by their first bytes (never by a client's claim).
fn sniff_image(head: &[u8]) -> Option<(&'static str, image::ImageFormat)> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", image::ImageFormat::Png))
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(("image/jpeg", image::ImageFormat::Jpeg))
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some(("image/gif", image::ImageFormat::Gif))
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some(("image/webp", image::ImageFormat::WebP))
    } else {
        None
    }
}

/// Reads an image's size and makes its thumbnail, within bounded memory: the size comes
/// from the header; an image is decoded only if its pixels fit `MAX_DECODE_BYTES`, and the
/// decoder is held to that limit too. None: not one of the inline image types, or broken.
fn analyse_image(path: &Path, head: &[u8]) -> Option<ImageInfo> {
    let (mime, format) = sniff_image(head)?;
    let limits = || {
        let mut l = image::Limits::default();
        l.max_image_width = Some(MAX_IMAGE_SIDE);
        l.max_image_height = Some(MAX_IMAGE_SIDE);
        l.max_alloc = Some(MAX_DECODE_BYTES);
        l
    };
    let reader = |path: &Path| -> Option<image::ImageReader<std::io::BufReader<std::fs::File>>> {
        let mut r = image::ImageReader::open(path).ok()?;
        r.set_format(format);
        r.limits(limits());
        Some(r)
    };
    let (width, height) = reader(path)?.into_dimensions().ok()?;
    let mut info = ImageInfo { mime, width, height, thumbnail: None };
    if width <= THUMBNAIL_SIDE && height <= THUMBNAIL_SIDE {
        return Some(info);
    }
    if u64::from(width) * u64::from(height) * 4 > MAX_DECODE_BYTES {
        return Some(info);
    }
    let Some(img) = reader(path).and_then(|r| r.decode().ok()) else { return Some(info) };
    let small = img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    let mut out = std::io::Cursor::new(Vec::new());
    let encoded = if small.color().has_alpha() {
        small.write_to(&mut out, image::ImageFormat::Png).ok().map(|_| "image/png")
    } else {
        let rgb = image::DynamicImage::ImageRgb8(small.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80);
        rgb.write_with_encoder(encoder).ok().map(|_| "image/jpeg")
    };
    info.thumbnail = encoded.map(|mime| (out.into_inner(), mime));
    Some(info)
}

/// A MIME type as a client claims it, if it is one (`type/subtype`, token characters) and
/// not an inline image type, which only the bytes themselves can establish.
fn mime_claim(claim: Option<&str>) -> Option<String> {
    let claim = claim?.split(';').next()?.trim().to_ascii_lowercase();
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c));
    let (ty, sub) = claim.split_once('/')?;
    (token(ty) && token(sub) && !inline_type(&claim)).then_some(claim)
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A spooled file, deleted when dropped unless it was moved into the store.
pub(crate) struct Spooled {
    path: PathBuf,
    size: u64,
    sha256: String,
    head: Vec<u8>,
    part_name: Option<String>,
    part_type: Option<String>,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn too_large(limit: u64) -> Error {
    Error::TooLarge(format!("the file is larger than the limit of {limit} bytes"))
}

/// Streams the `file` part into a spool file, hashing and counting as it comes.
async fn spool(files: &Files, mut field: axum::extract::multipart::Field<'_>) -> Result<Spooled> {
    let mut spooled = Spooled {
        path: files.spool_path(),
        size: 0,
        sha256: String::new(),
        head: Vec::new(),
        part_name: field.file_name().map(str::to_string),
        part_type: field.content_type().map(str::to_string),
    };
    let mut out = tokio::fs::File::create(&spooled.path).await.map_err(io_error)?;
    let mut hash = Sha256::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        spooled.size += chunk.len() as u64;
        if spooled.size > files.max_upload_bytes {
            return Err(too_large(files.max_upload_bytes));
        }
        if spooled.head.len() < 16 {
            spooled.head.extend(chunk.iter().take(16 - spooled.head.len()));
        }
        hash.update(&chunk);
        out.write_all(&chunk).await.map_err(io_error)?;
    }
    out.flush().await.map_err(io_error)?;
    out.sync_all().await.map_err(io_error)?;
    spooled.sha256 = hex(hash.finalize());
    Ok(spooled)
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge("the request body is larger than the upload limit".into())
    } else {
        Error::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    }
}

/// A text field of the upload, at most `MAX_FIELD_BYTES`.
async fn text_field(mut field: axum::extract::multipart::Field<'_>, name: &str) -> Result<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(Error::invalid(name, format!("longer than {MAX_FIELD_BYTES} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| Error::invalid(name, "not UTF-8 text"))
}

/// `POST /api/v3/attachments/upload` (and v4): a multipart body with `attachment_id`,
/// `file_name` and the `file`, streamed to the blob store. Answers the Attachment object.
pub async fn upload(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let ip = crate::api::client_ip(&app, peer.ip(), request.headers());
    match upload_inner(&app, ip, request).await {
        Ok(attachment) => (StatusCode::OK, axum::Json(attachment)).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn upload_inner(app: &Arc<App>, ip: std::net::IpAddr, request: Request) -> Result<serde_json::Value> {
    let headers = request.headers().clone();
    let caller = crate::api::authenticate(app, &headers).await?.ok_or(Error::NotLoggedIn)?;
    if let Some(grant) = &caller.grant {
        crate::api::grants::may_write(grant)?;
    }
    let user = caller.user;
    app.rate_limiter.take(crate::limits::Limit::Write, Some(user.id), ip, app.clock.now_ms())?;
    let limit = app.files.max_upload_bytes;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + MULTIPART_OVERHEAD) {
        return Err(too_large(limit));
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(Error::BadRequest("attachments/upload takes a multipart/form-data body".into()));
    }
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| Error::BadRequest(format!("malformed multipart body: {}", e.body_text())))?;
    let mut fields = serde_json::Map::new();
    let mut file: Option<Spooled> = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if !UPLOAD_FIELDS.contains(&name.as_str()) {
            return Err(Error::invalid(&name, "not a field of attachments/upload"));
        }
        if fields.contains_key(&name) {
            return Err(Error::invalid(&name, "given twice"));
        }
        if name == "file" {
            file = Some(spool(&app.files, field).await?);
            fields.insert(name, serde_json::Value::String(String::new()));
        } else {
            let text = text_field(field, &name).await?;
            fields.insert(name, serde_json::Value::String(text));
        }
    }
    let upload: Upload = decode::decode(fields)?;
    let file = file.ok_or_else(|| Error::missing("file"))?;
    let file_name = match (&upload.file_name, &file.part_name) {
        (Some(n), _) => n.as_str().to_string(),
        // Some browsers send a path; its last step is the name.
        (None, Some(part)) => {
            let last = part.rsplit(['/', '\\']).next().unwrap_or_default();
            weft_core::input::file_name(last).unwrap_or_else(|_| "file".into())
        }
        (None, None) => "file".into(),
    };

    let claimed = mime_claim(upload.underlying_type.as_ref().map(|c| c.0.as_str()))
        .or_else(|| mime_claim(file.part_type.as_deref()));
    let base = app.config.public_url.as_deref().map_or("", |u| u.trim_end_matches('/'));
    let now = app.clock.now();
    let id = upload.attachment_id.into_inner();
    let stored =
        store_file(&app.files, &app.store, file, id, file_name, claimed.as_deref(), user.id, base, now).await?;
    let actor = user.id;
    app.store.write(move |tx| attachments::record(tx, actor, stored)).await
}

/// A file spooled from memory (an imported file), to be moved into the store.
pub(crate) async fn spool_bytes(files: &Files, bytes: &[u8]) -> Result<Spooled> {
    let path = files.spool_path();
    tokio::fs::write(&path, bytes).await.map_err(io_error)?;
    Ok(Spooled {
        path,
        size: bytes.len() as u64,
        sha256: hex(Sha256::digest(bytes)),
        head: bytes.iter().take(16).copied().collect(),
        part_name: None,
        part_type: None,
    })
}

/// Moves a spooled file into the store as attachment `id` of `uploader` — an image
/// measured and thumbnailed, its blobs claimed before they are written — and answers its
/// record (with its Attachment object), for the caller to write. Uploads and imports both
/// come through here.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn store_file(
    files: &Files,
    store: &Arc<dyn weft_core::store::Store>,
    file: Spooled,
    id: String,
    file_name: String,
    claimed_type: Option<&str>,
    uploader: weft_core::UserId,
    base: &str,
    now: i64,
) -> Result<StoredAttachment> {
    // Images: measured and thumbnailed off the async threads, a few at a time.
    let image = if sniff_image(&file.head).is_some() {
        let _permit = files.decodes.acquire().await.map_err(io_error)?;
        let (path, head) = (file.path.clone(), file.head.clone());
        tokio::task::spawn_blocking(move || analyse_image(&path, &head)).await.map_err(io_error)?
    } else {
        None
    };
    let thumbnail = match image.as_ref().and_then(|i| i.thumbnail.as_ref()) {
        Some((bytes, mime)) => {
            let path = files.spool_path();
            tokio::fs::write(&path, bytes).await.map_err(io_error)?;
            let spooled = Spooled {
                path,
                size: bytes.len() as u64,
                sha256: hex(Sha256::digest(bytes)),
                head: Vec::new(),
                part_name: None,
                part_type: None,
            };
            Some((spooled, *mime))
        }
        None => None,
    };

    // Claimed before they are written: a sweep running now cannot delete them under us.
    let mut shas = vec![file.sha256.clone()];
    shas.extend(thumbnail.as_ref().map(|(t, _)| t.sha256.clone()));
    store.write(move |tx| attachments::claim(tx, &shas, now)).await?;
    files.put(&file.sha256, &file.path).await?;
    if let Some((t, _)) = &thumbnail {
        files.put(&t.sha256, &t.path).await?;
    }

    let content_type = match &image {
        Some(i) => i.mime.to_string(),
        None => mime_claim(claimed_type).unwrap_or_else(|| "application/octet-stream".into()),
    };
    // With --public-url, links are absolute (as Twist's are); without it the server cannot
    // know how people reach it (a listen address such as 0.0.0.0 is no address, and a
    // browser on localhost would not send its session to 127.0.0.1): a path of this server.
    let url = file_url(base, &id, &file_name, false);
    let object = Attachment {
        attachment_id: id.clone(),
        url_type: if image.is_some() { UrlType::Image } else { UrlType::File },
        title: file_name.clone(),
        url: url.clone(),
        file_name: file_name.clone(),
        file_size: file.size as i64,
        underlying_type: content_type.clone(),
        upload_state: UploadState::Uploaded,
        image: image.as_ref().map(|i| match i.thumbnail {
            Some(_) => file_url(base, &id, &file_name, true),
            None => url.clone(),
        }),
        image_width: image.as_ref().map(|i| i64::from(i.width)),
        image_height: image.as_ref().map(|i| i64::from(i.height)),
    };
    let stored = StoredAttachment {
        attachment_id: id,
        uploader,
        file_name,
        file_size: file.size as i64,
        content_type,
        sha256: file.sha256.clone(),
        image_width: object.image_width,
        image_height: object.image_height,
        thumbnail_sha256: thumbnail.as_ref().map(|(t, _)| t.sha256.clone()),
        thumbnail_type: thumbnail.as_ref().map(|(_, mime)| mime.to_string()),
        uploaded_ts: now,
        object: crate::api::to_json(&object)?,
    };
    Ok(stored)
}

/// A file's (or its thumbnail's) URL. The name is for the reader; the id finds the file.
fn file_url(base: &str, id: &str, name: &str, thumbnail: bool) -> String {
    // A name of dots would be read as a path step; it says nothing anyway.
    let name = if name.chars().all(|c| c == '.') { "file" } else { name };
    let name: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    if thumbnail { format!("{base}/files/{id}/thumbnail/{name}") } else { format!("{base}/files/{id}/{name}") }
}

// ---- serving ----

/// `GET /files/{id}/{name}`: the file, to someone who may read it (404 to anyone else).
pub async fn download(
    State(app): State<Arc<App>>,
    UrlPath((id, _name)): UrlPath<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&app, &id, &headers, false).await.unwrap_or_else(|e| ApiError(e).into_response())
}

/// `GET /files/{id}/thumbnail/{name}`: an image's thumbnail (the image itself when it has
/// none).
pub async fn thumbnail(
    State(app): State<Arc<App>>,
    UrlPath((id, _name)): UrlPath<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&app, &id, &headers, true).await.unwrap_or_else(|e| ApiError(e).into_response())
}

/// The `Content-Disposition` of a file: inline only for the image types sniffed from its
/// bytes; with its name, quoted safely and in UTF-8.
fn disposition(a: &StoredAttachment) -> HeaderValue {
    let inline = a.image_width.is_some() && inline_type(&a.content_type);
    let ascii: String = a
        .file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = a
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    HeaderValue::from_str(&format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

/// The inline allow-list: PNG, JPEG, GIF and WebP (never SVG, which can carry script).
fn inline_type(mime: &str) -> bool {
    matches!(mime, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}

async fn serve(app: &Arc<App>, id: &str, headers: &HeaderMap, thumbnail: bool) -> Result<Response> {
    let caller = crate::api::authenticate_reader(app, headers).await?.ok_or(Error::NotLoggedIn)?;
    if let Some(grant) = &caller.grant {
        crate::api::grants::may_read_file(app, grant, id).await?;
    }
    let viewer = caller.user.id;
    let lookup = id.to_string();
    let a = app.store.read(move |tx| attachments::get(tx, viewer, &lookup)).await?;
    let (sha, content_type) = match (&a.thumbnail_sha256, &a.thumbnail_type) {
        (Some(sha), Some(ty)) if thumbnail => (sha.clone(), ty.clone()),
        _ if thumbnail && a.image_width.is_none() => return Err(Error::NotFound(NotFound::Resource)),
        _ => (a.sha256.clone(), a.content_type.clone()),
    };
    let etag = format!("\"{sha}\"");
    let mut response = if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, len) = app.files.open_blob(&sha).await?;
        let mut r = Response::new(body);
        r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(&a));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(FILE_CSP));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    // Who may read it can change: caches keep it private and ask again each time.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).map_err(io_error)?);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_types_are_told_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n....").map(|s| s.0), Some("image/png"));
        assert_eq!(sniff_image(&[0xff, 0xd8, 0xff, 0xe0]).map(|s| s.0), Some("image/jpeg"));
        assert_eq!(sniff_image(b"GIF89a..").map(|s| s.0), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.0), Some("image/webp"));
        assert_eq!(sniff_image(b"<svg xmlns=").map(|s| s.0), None);
        assert_eq!(sniff_image(b"<html><script>").map(|s| s.0), None);
    }

    #[test]
    fn a_client_s_mime_claim_is_used_only_when_well_formed() {
        assert_eq!(mime_claim(Some("Text/Plain; charset=utf-8")).as_deref(), Some("text/plain"));
        assert_eq!(mime_claim(Some("text/html\r\nX-Evil: 1")), None);
        assert_eq!(mime_claim(Some("nonsense")), None);
        assert_eq!(mime_claim(Some("image/png")), None, "only the bytes say a file is a PNG");
        assert_eq!(mime_claim(Some("image/svg+xml")).as_deref(), Some("image/svg+xml"));
        assert_eq!(mime_claim(None), None);
    }

    #[test]
    fn s3_urls_name_a_bucket_and_a_prefix() {
        assert_eq!(parse_s3_url("s3://bucket/a/b/").unwrap(), ("bucket".into(), "a/b".into()));
        assert_eq!(parse_s3_url("s3://bucket").unwrap(), ("bucket".into(), String::new()));
        assert!(parse_s3_url("http://bucket").is_err());
        assert!(parse_s3_url("s3:///x").is_err());
    }
}
