//! The OpenAPI document, generated from the route table at start-up.

use super::params::{Param, Ty};
use super::{Api, Verb};
use serde_json::{Map, Value, json};

/// Required fields of each response object: what Twist's official SDK insists on, plus
/// what Weft always sends.
const SCHEMAS: &[(&str, &[&str])] = &[
    ("User", &["id", "name", "short_name", "bot", "timezone", "removed", "email", "lang"]),
    ("WorkspaceUser", &["id", "name", "short_name", "bot", "timezone", "removed", "user_type", "version"]),
    ("Workspace", &["id", "name", "creator", "created_ts"]),
    ("Channel", &["id", "name", "creator", "public", "workspace_id", "archived", "created_ts", "version"]),
    (
        "Thread",
        &[
            "id",
            "title",
            "content",
            "creator",
            "channel_id",
            "workspace_id",
            "comment_count",
            "last_updated_ts",
            "pinned",
            "posted_ts",
            "snippet",
            "snippet_creator",
            "starred",
            "is_archived",
        ],
    ),
    ("Comment", &["id", "content", "creator", "thread_id", "workspace_id", "channel_id", "posted_ts"]),
    (
        "Conversation",
        &[
            "id",
            "workspace_id",
            "user_ids",
            "last_obj_index",
            "snippet",
            "snippet_creators",
            "last_active_ts",
            "archived",
            "created_ts",
            "creator",
        ],
    ),
    ("ConversationMessage", &["id", "content", "creator", "conversation_id", "posted_ts", "workspace_id"]),
    ("Group", &["id", "name", "workspace_id", "user_ids", "version"]),
    ("Event", &["seq", "type", "workspace_id", "created_ts", "data"]),
    (
        "InboxThread",
        &[
            "id",
            "title",
            "content",
            "creator",
            "channel_id",
            "workspace_id",
            "comment_count",
            "last_updated_ts",
            "pinned",
            "posted_ts",
            "snippet",
            "snippet_creator",
            "starred",
            "is_archived",
            "in_inbox",
            "closed",
        ],
    ),
    ("UnreadThread", &["thread_id", "channel_id", "obj_index", "direct_mention"]),
    ("UnreadConversation", &["conversation_id", "obj_index", "direct_mention"]),
    ("InboxCount", &["data", "version"]),
    ("SnoozeResult", &["status", "snoozed_until_ts"]),
    ("Notification", &["id", "type_id", "reason", "workspace_id", "by_user_id", "posted_ts", "is_read"]),
    ("NotificationPage", &["notifications", "last_read"]),
    ("NotificationSettings", &["desktop_comments", "email_comments", "push_comments"]),
    ("SearchResult", &["id", "type", "snippet", "snippet_creator_id", "snippet_last_updated_ts"]),
    ("SearchPage", &["items", "has_more", "is_plan_restricted"]),
    ("CommentIds", &["comment_ids"]),
    ("Schedule", &["timezone", "working_hours", "dnd", "dnd_ranges", "delivery"]),
    ("Rotation", &["user_ids", "shift_hours", "handoff_time", "timezone", "starts_on", "overrides"]),
    ("Duty", &["user_id", "until_ts", "next_user_id"]),
    ("Emergency", &["id", "workspace_id", "channel_id", "thread_id", "raised_by", "raised_ts", "reached", "acks"]),
    (
        "Availability",
        &["user_id", "local_time", "working_now", "dnd_until_ts", "away_until_ts", "away_note", "next_available_ts"],
    ),
    ("MessageIds", &["message_ids"]),
    ("Status", &["status"]),
    ("Error", &["error_code", "error_string"]),
];

pub fn required_fields(schema: &str) -> Option<&'static [&'static str]> {
    SCHEMAS.iter().find(|(n, _)| *n == schema).map(|(_, f)| *f)
}

fn param_schema(ty: Ty) -> Value {
    match ty {
        Ty::Int => json!({"type": "integer", "format": "int64"}),
        Ty::Str => json!({"type": "string"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Ids => json!({"type": "array", "items": {"type": "integer", "format": "int64"},
            "description": "A JSON array, a JSON array in a string, or comma-joined ids"}),
        Ty::Recipients => json!({"oneOf": [
            {"type": "array", "items": {"type": "integer", "format": "int64"}},
            {"type": "string", "enum": ["EVERYONE"]}
        ]}),
        Ty::Objects => json!({"type": "array", "items": {"type": "object"}}),
        Ty::Object => json!({"type": "object"}),
    }
}

fn response_schema(returns: &str) -> Value {
    if let Some(item) = returns.strip_suffix("[]") {
        return json!({"type": "array", "items": response_schema(item)});
    }
    match returns {
        "Id" => json!({"type": "integer", "format": "int64"}),
        "LocalTime" => json!({"type": "string", "example": "2017-05-10 07:55:40"}),
        "Reactions" => json!({"type": "object", "nullable": true,
            "additionalProperties": {"type": "array", "items": {"type": "integer"}}}),
        "CommentWrapper" => json!({"type": "object", "required": ["comment"],
            "properties": {"comment": {"$ref": "#/components/schemas/Comment"}}}),
        "EventPage" => json!({"type": "object", "required": ["events", "last_seq"], "properties": {
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
            "last_seq": {"type": "integer"}}}),
        "BatchResult" => json!({"type": "object", "required": ["code", "headers", "body"], "properties": {
            "code": {"type": "integer"}, "headers": {"type": "string"}, "body": {"type": "string"}}}),
        other => json!({"$ref": format!("#/components/schemas/{other}")}),
    }
}

fn body_schema(params: &[Param]) -> Value {
    let mut props = Map::new();
    for p in params {
        props.insert(p.name.to_string(), param_schema(p.ty));
    }
    let required: Vec<&str> = params.iter().filter(|p| p.required).map(|p| p.name).collect();
    json!({"type": "object", "properties": props, "required": required})
}

/// An extra operation not in the route table (the event stream).
pub struct ExtraOperation {
    pub path: &'static str,
    pub summary: &'static str,
    pub params: &'static [Param],
    pub content_type: &'static str,
    pub returns: &'static str,
}

pub fn document(api: &Api, extra: &[ExtraOperation]) -> Value {
    let errors = json!({"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut paths = Map::new();
    for e in &api.endpoints {
        let ok =
            json!({"description": "Success", "content": {"application/json": {"schema": response_schema(e.returns)}}});
        let mut op = json!({
            "operationId": e.path.replace('/', "_"),
            "summary": e.summary,
            "responses": {"200": ok, "4XX": errors.clone()},
        });
        if e.auth {
            op["security"] = json!([{"bearer": []}]);
        } else {
            op["security"] = json!([]);
        }
        if e.extension {
            op["x-weft-extension"] = json!(true);
        }
        let method = match e.verb {
            Verb::Get => {
                op["parameters"] = e
                    .params
                    .iter()
                    .map(|p| json!({"name": p.name, "in": "query", "required": p.required, "schema": param_schema(p.ty)}))
                    .collect();
                "get"
            }
            Verb::Post => {
                let schema = body_schema(e.params);
                op["requestBody"] = json!({"content": {
                    "application/json": {"schema": schema},
                    "application/x-www-form-urlencoded": {"schema": schema},
                }});
                "post"
            }
        };
        paths.insert(format!("/api/v3/{}", e.path), json!({ method: op }));
    }
    for x in extra {
        let parameters: Vec<Value> = x
            .params
            .iter()
            .map(|p| json!({"name": p.name, "in": "query", "required": p.required, "schema": param_schema(p.ty)}))
            .collect();
        let op = json!({
            "operationId": x.path.replace('/', "_"),
            "summary": x.summary,
            "x-weft-extension": true,
            "security": [{"bearer": []}],
            "parameters": parameters,
            "responses": {"200": {"description": "Success", "content": {x.content_type: {"schema": response_schema(x.returns)}}}, "4XX": errors.clone()},
        });
        paths.insert(format!("/api/v3/{}", x.path), json!({"get": op}));
    }
    let mut schemas = Map::new();
    for (name, required) in SCHEMAS {
        schemas.insert(name.to_string(), json!({"type": "object", "required": required, "additionalProperties": true}));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Weft API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Twist-compatible API v3 (also served under /api/v4/). Operations marked x-weft-extension are Weft's own.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    })
}
