//! The one table from a domain error to an HTTP response in Twist's error shape:
//! `{"error_code", "error_string", "error_uuid", "error_extra"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use weft_core::{Error, NotFound};

/// HTTP status and Twist error code of each error.
pub fn status_and_code(e: &Error) -> (StatusCode, i64) {
    use StatusCode as S;
    match e {
        Error::MissingArgument(_) => (S::BAD_REQUEST, 19),
        Error::InvalidArgument { .. } => (S::BAD_REQUEST, 20),
        Error::EmailTaken => (S::BAD_REQUEST, 101),
        Error::PasswordTooShort(_) => (S::BAD_REQUEST, 102),
        Error::EmailInvalid => (S::BAD_REQUEST, 103),
        Error::WrongCredentials => (S::BAD_REQUEST, 104),
        Error::NotFound(kind) => (
            S::NOT_FOUND,
            match kind {
                NotFound::Workspace => 105,
                NotFound::User => 106,
                NotFound::Channel => 107,
                NotFound::Thread => 108,
                NotFound::Resource => 110,
                NotFound::Comment => 115,
                NotFound::Group => 119,
                NotFound::Conversation => 124,
                NotFound::Message => 125,
            },
        ),
        Error::Forbidden(_) => (S::FORBIDDEN, 109),
        Error::BadRequest(_) => (S::BAD_REQUEST, 114),
        Error::TooLarge(_) => (S::PAYLOAD_TOO_LARGE, 114),
        Error::MethodNotAllowed { .. } => (S::METHOD_NOT_ALLOWED, 114),
        Error::NotLoggedIn => (S::UNAUTHORIZED, 120),
        // Twist documents 401 for these two; a client mistake in a field is a 400.
        Error::InvalidTimezone(_) => (S::BAD_REQUEST, 121),
        Error::UnsupportedReaction(_) => (S::BAD_REQUEST, 122),
        Error::NameTooShort => (S::BAD_REQUEST, 126),
        Error::LastAdmin | Error::LastAdminOf(_) => (S::BAD_REQUEST, 127),
        Error::InvalidDateRange => (S::BAD_REQUEST, 128),
        Error::AlreadyExists(_) => (S::CONFLICT, 131),
        Error::InvalidToken => (S::FORBIDDEN, 200),
        Error::TooManyRequests { .. } => (S::TOO_MANY_REQUESTS, 114),
        Error::LimitReached(_) => (S::TOO_MANY_REQUESTS, 114),
        Error::Unavailable(_) => (S::SERVICE_UNAVAILABLE, 201),
        Error::Internal(_) => (S::INTERNAL_SERVER_ERROR, 201),
    }
}

/// A domain error on its way to the client.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

fn new_uuid() -> String {
    let mut b = [0u8; 16];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What a client is told when storage is unavailable: the cause (a driver's message, a
/// host name) goes to the log only.
pub const UNAVAILABLE: &str = "Weft is temporarily unavailable; try again shortly";

/// The JSON body and status of an error. Internal errors and unavailable storage are logged
/// with their cause and answered opaquely.
pub fn error_body(e: &Error) -> (StatusCode, serde_json::Value) {
    let (status, code) = status_and_code(e);
    let uuid = new_uuid();
    let message = match e {
        Error::Internal(cause) => {
            tracing::error!(error_uuid = %uuid, %cause, "internal error");
            "Internal error".to_string()
        }
        Error::Unavailable(cause) => {
            tracing::warn!(error_uuid = %uuid, %cause, "unavailable");
            UNAVAILABLE.to_string()
        }
        other => other.to_string(),
    };
    let extra = match e {
        Error::InvalidArgument { name, .. } | Error::MissingArgument(name) => json!({"argument": name}),
        Error::TooManyRequests { retry_after_secs } => json!({"retry_after": retry_after_secs}),
        _ => json!({}),
    };
    let body = json!({"error_code": code, "error_string": message, "error_uuid": uuid, "error_extra": extra});
    (status, body)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = error_body(&self.0);
        let mut resp = (status, axum::Json(body)).into_response();
        if let Error::TooManyRequests { retry_after_secs } = self.0
            && let Ok(v) = retry_after_secs.to_string().parse()
        {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        if let Error::MethodNotAllowed { allowed } = self.0 {
            resp.headers_mut().insert(axum::http::header::ALLOW, axum::http::HeaderValue::from_static(allowed));
        }
        resp
    }
}
