//! The inventory model: the typed records a team writes in its YAML files.
//!
//! Field names are the YAML keys. Every record type rejects unknown keys, so a typo is an
//! error with a suggestion instead of a silently missing fact.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::Provider;

mod date;
mod located;
mod source;

pub use date::CivilDate;
pub use located::Located;
pub use source::{FileId, Origin};

/// `project.yaml`: who runs the migration, where it goes and how often things are reviewed.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Organisation that owns the ePHI, for example "Riverbend Health".
    pub organisation: String,
    /// Name of this migration, shown in headers and reports.
    pub migration: String,
    /// Cloud provider the workloads move to.
    pub provider: Provider,
    /// Person or team accountable for each migration phase.
    #[serde(default)]
    pub phase_owners: PhaseOwners,
    /// How often recurring checks must be repeated.
    #[serde(default)]
    pub review_intervals: ReviewIntervals,
    /// Whether every ePHI backup needs a copy in a second region or account.
    #[serde(default)]
    pub cross_region_backup_required: bool,
    /// Name recorded in the validation journal when no `--user` is given.
    #[serde(default)]
    pub user: Option<String>,
    /// Source position of the record.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// Owner of each of the five migration phases.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseOwners {
    /// Phase 1: map PHI and vendors.
    pub map_phi_and_vendors: Option<String>,
    /// Phase 2: design the landing zone.
    pub design_landing_zone: Option<String>,
    /// Phase 3: move low-risk workloads first.
    pub move_low_risk_workloads: Option<String>,
    /// Phase 4: validate controls and logging.
    pub validate_controls: Option<String>,
    /// Phase 5: migrate production ePHI and monitor.
    pub migrate_production_ephi: Option<String>,
}

/// Review intervals in days.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewIntervals {
    /// Maximum age of the last successful restore test, in days.
    pub restore_test_days: u32,
    /// Maximum age of the last access review, in days.
    pub access_review_days: u32,
    /// How many days before a BAA expires it is reported as expiring.
    pub baa_expiry_warning_days: u32,
}

impl Default for ReviewIntervals {
    /// Quarterly restore tests and access reviews, and a 90-day warning before a BAA expires.
    fn default() -> Self {
        ReviewIntervals {
            restore_test_days: 90,
            access_review_days: 90,
            baa_expiry_warning_days: 90,
        }
    }
}

/// One system: an application, store, pipeline or platform service that is migrated or used.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// Stable identifier, unique among systems and vendors; other records refer to it.
    pub id: Located<String>,
    /// Name a reader recognises.
    pub name: String,
    /// Kind of system.
    pub kind: SystemKind,
    /// Environment the system serves.
    pub environment: Environment,
    /// Person or team accountable for the system.
    #[serde(default)]
    pub owner: Option<String>,
    /// Classes of data the system creates, receives, stores or sends.
    #[serde(default)]
    pub data_classes: Vec<DataClass>,
    /// Whether a non-production system holds real patient data (copies of production records).
    #[serde(default)]
    pub real_patient_data: bool,
    /// Current hosting, for example "on-premises VMware cluster".
    #[serde(default)]
    pub hosting: Option<String>,
    /// Services of the target provider the system will run on, spelled as the provider's
    /// eligible-service list spells them.
    #[serde(default)]
    pub target_services: Vec<Located<String>>,
    /// Vendors (ids) whose products or people the system uses.
    #[serde(default)]
    pub vendors: Vec<Located<String>>,
    /// Systems (ids) that must be running for this one to work, so must move first.
    #[serde(default)]
    pub depends_on: Vec<Located<String>>,
    /// Data the system sends to other systems or vendors.
    #[serde(default)]
    pub flows: Vec<Flow>,
    /// Systems or vendors (ids) that receive this system's logs, traces or error reports.
    #[serde(default)]
    pub logs_to: Vec<Located<String>>,
    /// Systems or vendors (ids) that hold this system's backups.
    #[serde(default)]
    pub backups_to: Vec<Located<String>>,
    /// Storage facts, for systems that store data.
    #[serde(default)]
    pub storage: Option<Storage>,
    /// Backup facts, for systems whose data is backed up.
    #[serde(default)]
    pub backup: Option<Backup>,
    /// Date of the last review of who can access the system.
    #[serde(default)]
    pub last_access_review: Option<Located<CivilDate>>,
    /// How to return to the current hosting if the move fails.
    #[serde(default)]
    pub rollback_plan: Option<String>,
    /// Migration risk the team assigns.
    #[serde(default)]
    pub risk: Option<Risk>,
    /// Migration wave this system is pinned to, counted from 1 within its phase.
    #[serde(default)]
    #[schemars(range(min = 1, max = 1000))]
    pub wave: Option<Located<u32>>,
    /// Source position of the record.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

impl System {
    /// Returns whether the system declares ePHI among its data classes.
    pub fn declares_ephi(&self) -> bool {
        self.data_classes.contains(&DataClass::Ephi)
    }
}

/// A data flow from the enclosing system to another system or vendor.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Receiving system or vendor (id).
    pub to: Located<String>,
    /// Classes of data carried.
    pub data_classes: Vec<DataClass>,
    /// Transport the data travels over.
    pub transport: Transport,
    /// Purpose of the flow, in a few words.
    #[serde(default)]
    pub purpose: Option<String>,
}

/// Storage facts for one store.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    /// Whether data is encrypted at rest.
    #[serde(default)]
    pub encryption_at_rest: Option<bool>,
    /// Key model: who controls the encryption keys.
    #[serde(default)]
    pub key_model: Option<KeyModel>,
    /// Lowest TLS version the store accepts.
    #[serde(default)]
    pub min_tls: Option<TlsVersion>,
    /// Whether any part of the store can be read without authentication.
    #[serde(default)]
    pub public_access: Option<bool>,
    /// Whether any policy grants `*` actions or `*` principals on the store.
    #[serde(default)]
    pub wildcard_permissions: Option<bool>,
    /// Whether object versioning is on (object storage).
    #[serde(default)]
    pub versioning: Option<bool>,
}

/// Backup facts for one system.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// How often an automated backup runs.
    #[serde(default)]
    pub schedule: Option<BackupSchedule>,
    /// Date of the last restore that was tested end to end.
    #[serde(default)]
    pub last_restore_test: Option<Located<CivilDate>>,
    /// Whether a copy is kept in a second region or account.
    #[serde(default)]
    pub cross_region_copy: Option<bool>,
    /// How long backups are kept and how they are deleted.
    #[serde(default)]
    pub retention_rule: Option<String>,
    /// Whether backups are encrypted.
    #[serde(default)]
    pub encrypted: Option<bool>,
    /// Whether backup access is restricted at least as tightly as production access.
    #[serde(default)]
    pub access_restricted: Option<bool>,
}

/// One vendor: a cloud provider, SaaS product, consultancy, partner or subprocessor.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    /// Stable identifier, unique among systems and vendors.
    pub id: Located<String>,
    /// Legal or trading name.
    pub name: String,
    /// Kind of vendor.
    pub kind: VendorKind,
    /// Products or services the vendor provides to the organisation.
    #[serde(default)]
    pub services: Vec<String>,
    /// Vendors (ids) this vendor passes data to.
    #[serde(default)]
    pub subprocessors: Vec<Located<String>>,
    /// The Business Associate Agreement with this vendor.
    pub baa: Baa,
    /// Source position of the record.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// A Business Associate Agreement and its state.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baa {
    /// Status of the agreement.
    pub status: BaaStatus,
    /// Date the agreement was signed.
    #[serde(default)]
    pub signed: Option<Located<CivilDate>>,
    /// Last day the agreement is in force.
    #[serde(default)]
    pub expires: Option<Located<CivilDate>>,
    /// Services of the vendor the agreement covers; empty means all services listed above.
    #[serde(default)]
    pub covers: Vec<Located<String>>,
    /// Location of the signed document.
    #[serde(default)]
    pub document: Option<String>,
}

/// `services.yaml` entry: adds to or overrides a built-in eligible-service list.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    /// Service name as the provider spells it.
    pub name: Located<String>,
    /// Provider offering the service.
    pub provider: Provider,
    /// Whether the provider lists the service as HIPAA eligible (covered by its BAA).
    pub eligible: bool,
    /// Where the team confirmed this, for example a page address or contract clause.
    pub source: String,
    /// Date the team confirmed this.
    pub date: Located<CivilDate>,
    /// Source position of the record.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// `controls.yaml` entry: an extra control, or an override of a built-in one with the same id.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlEntry {
    /// Control identifier; reusing a built-in id replaces that control.
    pub id: Located<String>,
    /// Phase whose gate includes the control.
    pub phase: Phase,
    /// What must be true, in one line.
    pub title: String,
    /// Security Rule citations, for example `164.312(b)`.
    #[serde(default)]
    pub citations: Vec<Located<String>>,
    /// Which objects the control expands to.
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// How a reviewer validates the control.
    #[serde(default)]
    pub how_to_validate: Option<String>,
    /// Evidence expected in the journal entry.
    #[serde(default)]
    pub evidence: Option<String>,
    /// Days after which a validation expires and must be repeated.
    #[serde(default)]
    pub review_interval_days: Option<u32>,
    /// Takes the expiry interval from `project.yaml` instead of `review_interval_days`.
    #[serde(default)]
    pub review_interval: Option<IntervalKind>,
    /// Source position of the record.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// The five migration phases, in order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Inventory every system and vendor that touches ePHI and confirm each BAA.
    MapPhiAndVendors,
    /// Build accounts, network, identity, logging and encryption as code.
    DesignLandingZone,
    /// Move non-ePHI workloads to prove the pipeline and operations.
    MoveLowRiskWorkloads,
    /// Prove encryption, access, logging and alerting before ePHI arrives.
    ValidateControls,
    /// Move production ePHI with a rollback plan, then monitor closely.
    MigrateProductionEphi,
}

impl Phase {
    /// All phases in migration order.
    pub const ALL: [Phase; 5] = [
        Phase::MapPhiAndVendors,
        Phase::DesignLandingZone,
        Phase::MoveLowRiskWorkloads,
        Phase::ValidateControls,
        Phase::MigrateProductionEphi,
    ];

    /// Returns the phase number, 1 to 5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Returns the phase's short title.
    pub fn title(self) -> &'static str {
        match self {
            Phase::MapPhiAndVendors => "Map PHI and vendors",
            Phase::DesignLandingZone => "Design the landing zone",
            Phase::MoveLowRiskWorkloads => "Move low-risk workloads first",
            Phase::ValidateControls => "Validate controls and logging",
            Phase::MigrateProductionEphi => "Migrate production ePHI and monitor",
        }
    }
}

/// Recurring checks whose interval `project.yaml` sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// `review_intervals.restore_test_days`.
    RestoreTest,
    /// `review_intervals.access_review_days`.
    AccessReview,
}

/// Which objects a control expands to, one checklist item each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// One item for the whole project.
    #[default]
    Project,
    /// One item for each system inside the ePHI boundary.
    EachEphiSystem,
    /// One item for each ePHI system that stores data.
    EachEphiStore,
    /// One item for each vendor inside the ePHI boundary.
    EachEphiVendor,
    /// One item for each system, ePHI or not.
    EachSystem,
}

/// Kinds of system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemKind {
    /// A service or application with users or callers.
    Application,
    /// A relational, document, key-value or time-series database.
    Database,
    /// Buckets or blob containers.
    ObjectStorage,
    /// A message queue, stream or event bus.
    Queue,
    /// A directory, identity provider or single sign-on service.
    Identity,
    /// A warehouse, lake or reporting pipeline.
    Analytics,
    /// An interface engine or integration service (HL7, FHIR, file transfer).
    Integration,
    /// Log collection, storage or search.
    Logging,
    /// Backup storage or a backup service.
    Backup,
    /// Network infrastructure: VPN, firewall, load balancer, DNS.
    Network,
    /// Anything else.
    Other,
}

impl SystemKind {
    /// Returns whether systems of this kind hold data at rest.
    pub fn stores_data(self) -> bool {
        matches!(
            self,
            SystemKind::Database
                | SystemKind::ObjectStorage
                | SystemKind::Queue
                | SystemKind::Analytics
                | SystemKind::Logging
                | SystemKind::Backup
        )
    }
}

/// Environments a system serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    /// Serves patients, clinicians or staff.
    Production,
    /// Pre-production copy of production.
    Staging,
    /// Development.
    Development,
    /// Test or QA.
    Test,
}

/// Classes of data.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataClass {
    /// Electronic protected health information.
    Ephi,
    /// Personally identifiable information that is not health information.
    Pii,
    /// Internal business data.
    Internal,
    /// Data meant for publication.
    Public,
}

/// How a flow's data travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// A private endpoint or private interconnect that never crosses the internet.
    PrivateLink,
    /// An encrypted site-to-site or client VPN.
    Vpn,
    /// TLS 1.2 or 1.3.
    #[serde(rename = "tls_1_2_or_higher")]
    Tls12OrHigher,
    /// TLS 1.0 or 1.1, or SSL.
    #[serde(rename = "tls_below_1_2")]
    TlsBelow12,
    /// No transport encryption.
    Plaintext,
    /// Over the public internet with no stated protection.
    PublicInternet,
}

/// Who holds the keys for encryption at rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeyModel {
    /// Keys created and held by the provider.
    ProviderManaged,
    /// Keys the organisation controls in the provider's key management service.
    CustomerManaged,
    /// Keys held in an external hardware security module.
    ExternalHsm,
}

/// TLS versions.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
pub enum TlsVersion {
    /// TLS 1.0.
    #[serde(rename = "1.0")]
    Tls10,
    /// TLS 1.1.
    #[serde(rename = "1.1")]
    Tls11,
    /// TLS 1.2.
    #[serde(rename = "1.2")]
    Tls12,
    /// TLS 1.3.
    #[serde(rename = "1.3")]
    Tls13,
}

/// How often automated backups run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackupSchedule {
    /// No automated backup.
    None,
    /// Continuous or point-in-time recovery.
    Continuous,
    /// At least every hour.
    Hourly,
    /// At least every day.
    Daily,
    /// At least every week.
    Weekly,
    /// At least every month.
    Monthly,
}

/// Migration risk.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    /// Little harm if the move goes wrong.
    Low,
    /// Noticeable harm, recoverable.
    Medium,
    /// Patient care or ePHI exposure at stake.
    High,
}

/// Kinds of vendor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorKind {
    /// Infrastructure or platform cloud provider.
    CloudProvider,
    /// Software as a service.
    Saas,
    /// Consultants or contractors with access.
    Consultancy,
    /// EHR, lab, payer or device partner exchanging data.
    IntegrationPartner,
    /// A vendor's vendor that processes the data.
    Subprocessor,
    /// Anything else.
    Other,
}

/// Where a Business Associate Agreement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BaaStatus {
    /// Signed by both parties.
    Signed,
    /// Sent or under negotiation, not yet signed.
    Pending,
    /// No agreement exists.
    None,
    /// The vendor never creates, receives, maintains or transmits ePHI.
    NotRequired,
    /// Nobody has checked yet.
    Unknown,
}

impl fmt::Display for BaaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaaStatus::Signed => "signed",
            BaaStatus::Pending => "pending",
            BaaStatus::None => "none",
            BaaStatus::NotRequired => "not required",
            BaaStatus::Unknown => "unknown",
        })
    }
}
