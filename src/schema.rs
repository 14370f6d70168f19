//! JSON Schemas of the inventory files, for editors that validate YAML as it is typed.

use clap::ValueEnum;
use schemars::generate::SchemaSettings;

use crate::model::{ControlEntry, Project, ServiceEntry, System, Vendor};

/// The kinds of inventory file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// `project.yaml`.
    Project,
    /// `systems.yaml` and files under `systems/`.
    Systems,
    /// `vendors.yaml` and files under `vendors/`.
    Vendors,
    /// `services.yaml`.
    Services,
    /// `controls.yaml`.
    Controls,
}

impl SchemaKind {
    /// Every kind, in the order the loader reads them.
    pub const ALL: [SchemaKind; 5] = [
        SchemaKind::Project,
        SchemaKind::Systems,
        SchemaKind::Vendors,
        SchemaKind::Services,
        SchemaKind::Controls,
    ];

    /// Returns the schema's file name, such as `systems.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Project => "project.schema.json",
            SchemaKind::Systems => "systems.schema.json",
            SchemaKind::Vendors => "vendors.schema.json",
            SchemaKind::Services => "services.schema.json",
            SchemaKind::Controls => "controls.schema.json",
        }
    }
}

/// Renders the JSON Schema (draft 2020-12) of one file kind as pretty-printed JSON.
pub fn render(kind: SchemaKind) -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let (schema, title) = match kind {
        SchemaKind::Project => (generator.into_root_schema_for::<Project>(), "project.yaml"),
        SchemaKind::Systems => (
            generator.into_root_schema_for::<Vec<System>>(),
            "systems.yaml",
        ),
        SchemaKind::Vendors => (
            generator.into_root_schema_for::<Vec<Vendor>>(),
            "vendors.yaml",
        ),
        SchemaKind::Services => (
            generator.into_root_schema_for::<Vec<ServiceEntry>>(),
            "services.yaml",
        ),
        SchemaKind::Controls => (
            generator.into_root_schema_for::<Vec<ControlEntry>>(),
            "controls.yaml",
        ),
    };
    let mut value = schema.to_value();
    if let Some(object) = value.as_object_mut() {
        object.insert("title".to_owned(), format!("hipaa-migrate {title}").into());
    }
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
}
