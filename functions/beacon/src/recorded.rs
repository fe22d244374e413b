//! The recorded-beacon adapter: rounds saved as JSON files, for tests and offline use.

use std::path::Path;

use serde::Deserialize;
use spotcheck_domain::draw::{BeaconError, BeaconSignature, DrandBeacon, DrandChain};
use spotcheck_domain::ids::Digest;

use crate::{BeaconSource, FetchError};

/// One recorded round: `{"chain_hash"?, "round", "signature", "randomness"?, "source"?}`. The body
/// of a relay's `/public/{round}` answer is a valid recording (other members are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RecordedRound {
    /// The chain; absent means "the chain asked for" (the signature check still decides).
    #[serde(default)]
    pub chain_hash: Option<Digest>,
    /// The round.
    pub round: u64,
    /// The chain's BLS signature.
    pub signature: BeaconSignature,
    /// SHA-256 of the signature, as the relay published it (checked when present).
    #[serde(default)]
    pub randomness: Option<Digest>,
    /// Where the recording came from.
    #[serde(default)]
    pub source: Option<String>,
}

/// Rounds read from JSON files. Every round it hands out has been checked against the chain's
/// public key.
#[derive(Debug, Clone, Default)]
pub struct RecordedBeacons {
    rounds: Vec<(RecordedRound, String)>,
    searched: String,
}

impl RecordedBeacons {
    /// Every `*.json` file in `dir`, each holding one round.
    ///
    /// # Errors
    /// [`FetchError::File`] for an unreadable folder or file or a file that is not a round.
    pub fn from_dir(dir: &Path) -> Result<Self, FetchError> {
        let file_err = |reason: String| FetchError::File {
            path: dir.display().to_string(),
            reason,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| file_err(e.to_string()))? {
            let path = entry.map_err(|e| file_err(e.to_string()))?.path();
            if path.extension().and_then(|e| e.to_str()) == Some("json") {
                paths.push(path);
            }
        }
        paths.sort();
        let mut out = RecordedBeacons {
            rounds: Vec::new(),
            searched: format!("{}/*.json", dir.display()),
        };
        for p in paths {
            out.rounds.extend(Self::from_file(&p)?.rounds);
        }
        Ok(out)
    }

    /// One file holding one round.
    ///
    /// # Errors
    /// [`FetchError::File`].
    pub fn from_file(path: &Path) -> Result<Self, FetchError> {
        let text = std::fs::read_to_string(path).map_err(|e| FetchError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// One round from JSON text; `origin` names it in messages.
    ///
    /// # Errors
    /// [`FetchError::File`].
    pub fn from_json(text: &str, origin: &str) -> Result<Self, FetchError> {
        let round: RecordedRound = serde_json::from_str(text).map_err(|e| FetchError::File {
            path: origin.to_owned(),
            reason: format!("not a recorded drand round: {e}"),
        })?;
        Ok(RecordedBeacons {
            rounds: vec![(round, origin.to_owned())],
            searched: origin.to_owned(),
        })
    }

    /// The recorded rounds with the file each came from.
    pub fn rounds(&self) -> impl Iterator<Item = (&RecordedRound, &str)> {
        self.rounds.iter().map(|(r, o)| (r, o.as_str()))
    }

    fn find(&self, chain: &'static DrandChain, round: u64) -> Result<DrandBeacon, FetchError> {
        let same_round = || self.rounds.iter().filter(|(r, _)| r.round == round);
        let Some((rec, origin)) = same_round()
            .find(|(r, _)| r.chain_hash.is_none_or(|h| h == chain.chain_hash))
            .or_else(|| same_round().next())
        else {
            return Err(FetchError::NotRecorded {
                round,
                chain: chain.name,
                searched: self.searched.clone(),
            });
        };
        let invalid = |error: BeaconError| FetchError::Invalid {
            origin: origin.clone(),
            error,
        };
        if let Some(h) = rec.chain_hash
            && h != chain.chain_hash
        {
            return Err(invalid(BeaconError::ChainMismatch {
                committed: chain.chain_hash,
                supplied: h,
            }));
        }
        let beacon =
            DrandBeacon::from_signature(chain, round, rec.signature.clone()).map_err(invalid)?;
        if let Some(recorded) = rec.randomness
            && recorded != beacon.randomness
        {
            return Err(invalid(BeaconError::RandomnessMismatch {
                recorded,
                computed: beacon.randomness,
            }));
        }
        Ok(beacon)
    }
}

impl BeaconSource for RecordedBeacons {
    async fn fetch_round(
        &self,
        chain: &'static DrandChain,
        round: u64,
    ) -> Result<DrandBeacon, FetchError> {
        self.find(chain, round)
    }
}
