//! The demo accounts, printed at start and listed in the README. Passwords are
//! demo values for a local server; Siminars keeps only the MD5 digests, as the
//! real service does.

use md5::{Digest, Md5};
use serde::Serialize;

pub struct NomadUser {
    pub username: &'static str,
    pub password: &'static str,
    pub user_id: String,
    pub name: &'static str,
    pub email: &'static str,
    pub uploads: Vec<Upload>,
    /// An Oasis that does not admit this account: it signs in, then every
    /// authenticated call answers 403, as NOMAD does.
    pub oasis_refused: bool,
}

/// A demo personal access token (`nomad_pat_` + 32 bytes, URL-safe base64), with its scopes.
pub struct PersonalToken {
    pub token: &'static str,
    pub username: &'static str,
    pub scopes: &'static [&'static str],
}

/// ada's token with every scope a client needs.
pub const DEMO_PAT: &str = "nomad_pat_demoReadAll_x7Qm2Lr9Tc4Vb8Np1Hs6Kd3Fg5Jw0Ya";
/// ada's token without the uploads scope: valid, and refused with 403 by /uploads.
pub const DEMO_PAT_NO_UPLOADS: &str = "nomad_pat_demoNoUploads_Z4pT8sQ1vX6nB3mR7kL2wE9cY5";

pub const PERSONAL_TOKENS: [PersonalToken; 2] = [
    PersonalToken {
        token: DEMO_PAT,
        username: "ada",
        scopes: &["uploads:read", "entries:read"],
    },
    PersonalToken {
        token: DEMO_PAT_NO_UPLOADS,
        username: "ada",
        scopes: &["entries:read"],
    },
];

pub struct NemoUser {
    pub username: &'static str,
    pub password: &'static str,
    pub email: &'static str,
    pub first: &'static str,
    pub last: &'static str,
}

pub struct SiminarsUser {
    pub email: &'static str,
    /// `md5(lowercase(email) + password)`; the plaintext is not kept.
    pub digest: String,
    pub user_id: &'static str,
}

pub struct NebulaUser {
    pub id: u64,
    pub email: &'static str,
    pub password: &'static str,
    pub name: &'static str,
    pub api_key: &'static str,
    pub balance: f64,
}

pub struct Accounts {
    pub nomad: Vec<NomadUser>,
    pub nemo: Vec<NemoUser>,
    pub siminars: Vec<SiminarsUser>,
    pub nebula: Vec<NebulaUser>,
}

/// One NOMAD upload as the API lists it. `None` fields are left out of the JSON,
/// as NOMAD leaves out null keys.
#[derive(Clone, Debug, Serialize)]
pub struct Upload {
    pub upload_id: String,
    pub upload_name: String,
    pub upload_create_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    pub process_running: bool,
    pub current_process: &'static str,
    pub process_status: &'static str,
    pub last_status_message: String,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub main_author: String,
    pub coauthors: Vec<String>,
    pub writers: Vec<String>,
    pub viewers: Vec<String>,
    pub published: bool,
    pub with_embargo: bool,
    pub embargo_length: u32,
    pub license: &'static str,
    pub entries: u64,
}

/// Names that make a careless renderer fail: markup, length, bidi overrides, emoji.
pub const HOSTILE_NAMES: [&str; 6] = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>.zip",
    "\u{202e}gpj.exe (right-to-left override)",
    "تحليل بيانات المحاكاة.zip",
    "🧪🔬 perovskite run ✨ 2026.h5",
    "'; DROP TABLE uploads; --",
];

#[derive(Clone, Copy)]
enum UploadState {
    Processing,
    Failed,
    Unpublished,
    Published,
    Embargoed,
}

const STATES: [UploadState; 5] = [
    UploadState::Unpublished,
    UploadState::Processing,
    UploadState::Published,
    UploadState::Failed,
    UploadState::Embargoed,
];

fn timestamp(seconds_after_2024: u64) -> String {
    // Days from 2024-01-01 without a date crate: good enough for demo data (30-day months).
    let s = seconds_after_2024;
    let (day, rem) = (s / 86_400, s % 86_400);
    let (year, day_of_year) = (2024 + day / 360, day % 360);
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
        day_of_year / 30 + 1,
        day_of_year % 30 + 1,
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        (s * 7919) % 1_000_000
    )
}

fn upload(owner: &str, index: u64, name: String) -> Upload {
    let state = STATES[(index % STATES.len() as u64) as usize];
    let created = index * 7_207;
    let (running, status, message, errors) = match state {
        UploadState::Processing => (true, "RUNNING", "Parsing and normalizing entries", vec![]),
        UploadState::Failed => (
            false,
            "FAILURE",
            "Process process_upload failed: could not parse vasprun.xml",
            vec!["could not parse vasprun.xml: unexpected end of file".to_string()],
        ),
        _ => (
            false,
            "SUCCESS",
            "Process process_upload completed successfully",
            vec![],
        ),
    };
    let published = matches!(state, UploadState::Published | UploadState::Embargoed);
    let embargoed = matches!(state, UploadState::Embargoed);
    Upload {
        upload_id: format!("{}{:06}-demo", &owner[..2.min(owner.len())], index),
        upload_name: name,
        upload_create_time: timestamp(created),
        complete_time: (!running).then(|| timestamp(created + 95)),
        publish_time: published.then(|| timestamp(created + 86_400)),
        process_running: running,
        current_process: "process_upload",
        process_status: status,
        last_status_message: message.to_string(),
        errors,
        warnings: if index.is_multiple_of(7) {
            vec!["2 entries without a recognized parser".into()]
        } else {
            vec![]
        },
        main_author: owner.to_string(),
        coauthors: vec![],
        writers: vec![owner.to_string()],
        viewers: vec![owner.to_string()],
        published,
        with_embargo: embargoed,
        embargo_length: if embargoed { 12 } else { 0 },
        license: "CC BY 4.0",
        entries: if running { 0 } else { (index * 37) % 500 + 1 },
    }
}

fn uploads(owner: &str, count: u64) -> Vec<Upload> {
    (0..count)
        .map(|i| {
            let name = match i {
                _ if i % 4 == 1 && i / 4 < HOSTILE_NAMES.len() as u64 => {
                    HOSTILE_NAMES[(i / 4) as usize].to_string()
                }
                7 => format!(
                    "very long upload name {}",
                    "— with many words describing the sample ".repeat(8)
                ),
                _ => format!("sample-{:05}.zip", i + 1),
            };
            upload(owner, i, name)
        })
        .collect()
}

pub fn siminars_digest(email: &str, password: &str) -> String {
    let mut md5 = Md5::new();
    md5.update(email.to_lowercase().as_bytes());
    md5.update(password.as_bytes());
    hex::encode(md5.finalize())
}

impl Accounts {
    pub fn demo() -> Self {
        let ada_id = "a1f0c2d4-0000-4000-8000-00000000ada1";
        let bulk_id = "b2e1d3c5-0000-4000-8000-0000000b0001";
        Self {
            nomad: vec![
                NomadUser {
                    username: "ada",
                    password: "ada-demo-pw",
                    user_id: ada_id.into(),
                    name: "Ada Lovelace",
                    email: "ada@nomad.example",
                    uploads: uploads(ada_id, 25),
                    oasis_refused: false,
                },
                NomadUser {
                    username: "newbie",
                    password: "newbie-demo-pw",
                    user_id: "c3f2e4d6-0000-4000-8000-0000000c0002".into(),
                    name: "Nina Newbie",
                    email: "newbie@nomad.example",
                    uploads: vec![],
                    oasis_refused: false,
                },
                NomadUser {
                    username: "bulk",
                    password: "bulk-demo-pw",
                    user_id: bulk_id.into(),
                    name: "Bulk Uploader",
                    email: "bulk@nomad.example",
                    uploads: uploads(bulk_id, 10_000),
                    oasis_refused: false,
                },
                NomadUser {
                    username: "outsider",
                    password: "outsider-demo-pw",
                    user_id: "d4a3f5e7-0000-4000-8000-0000000d0003".into(),
                    name: "Otto Outsider",
                    email: "outsider@elsewhere.example",
                    uploads: vec![],
                    oasis_refused: true,
                },
            ],
            nemo: vec![NemoUser {
                username: "jdoe",
                password: "nemo-demo-pw",
                email: "jdoe@nemo.example",
                first: "John",
                last: "Doe",
            }],
            siminars: vec![
                // The documented test vector's account.
                SiminarsUser {
                    email: "piyush@siminars.com",
                    digest: siminars_digest("piyush@siminars.com", "Hello"),
                    user_id: "133550072236313429963702",
                },
                SiminarsUser {
                    email: "marie@siminars.example",
                    digest: siminars_digest("marie@siminars.example", "pässwörd-demo"),
                    user_id: "133550072236313429963703",
                },
            ],
            nebula: vec![NebulaUser {
                id: 18,
                email: "demo@nebula.example",
                password: "nebula-demo-pw",
                name: "Nebula Demo",
                api_key: "ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl",
                balance: 42.5,
            }],
        }
    }

    /// The demo accounts as people read them (start-up banner, README, `/_emulator/accounts`).
    pub fn describe() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
        vec![
            (
                "NOMAD",
                "ada",
                "ada-demo-pw",
                "25 uploads in every state, some with hostile names",
            ),
            ("NOMAD", "newbie", "newbie-demo-pw", "no uploads"),
            ("NOMAD", "bulk", "bulk-demo-pw", "10,000 uploads"),
            (
                "NOMAD",
                "outsider",
                "outsider-demo-pw",
                "signs in, then this Oasis refuses the account (403)",
            ),
            ("NOMAD", "(token)", DEMO_PAT, "ada's personal access token"),
            (
                "NOMAD",
                "(token)",
                DEMO_PAT_NO_UPLOADS,
                "valid, without the uploads scope (403)",
            ),
            ("NeMO Archive", "jdoe", "nemo-demo-pw", ""),
            (
                "Siminars",
                "piyush@siminars.com",
                "Hello",
                "the documented test vector (apitoken 2)",
            ),
            (
                "Siminars",
                "marie@siminars.example",
                "pässwörd-demo",
                "a non-ASCII password",
            ),
            (
                "Nebula Block",
                "demo@nebula.example",
                "nebula-demo-pw",
                "API key ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl",
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_siminars_test_vector_holds() {
        assert_eq!(
            siminars_digest("Piyush@Siminars.COM", "Hello"),
            "9f80d0bd2cdbbb89ac0287643a39bed2"
        );
    }

    #[test]
    fn demo_uploads_cover_every_state_and_hostile_names() {
        let accounts = Accounts::demo();
        let ada = &accounts.nomad[0].uploads;
        assert_eq!(ada.len(), 25);
        for status in ["RUNNING", "FAILURE", "SUCCESS"] {
            assert!(ada.iter().any(|u| u.process_status == status), "{status}");
        }
        assert!(
            ada.iter().any(|u| u.with_embargo)
                && ada.iter().any(|u| u.published && !u.with_embargo)
        );
        assert!(ada.iter().any(|u| u.upload_name.contains("<img")));
        assert!(ada.iter().any(|u| u.upload_name.len() > 200));
        let mut ids: Vec<_> = accounts.nomad[2]
            .uploads
            .iter()
            .map(|u| u.upload_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 10_000);
    }
}
