//! Document-only types: the OpenAPI schemas of values whose rules live in the domain,
//! built from the domain's own lists so the document cannot drift from what is enforced.

use crate::domain::Category;
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

/// `category` of a listing: one of [`Category::ALL`], spelled in lower case.
pub struct CategorySchema;

impl utoipa::PartialSchema for CategorySchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Category::ALL.map(Category::as_str)))
            .description(Some(
                "A listing category; anything else is `400 invalid_category`.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for CategorySchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Category")
    }
}
