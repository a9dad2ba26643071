//! The local embedding model: all-MiniLM-L6-v2 (int8 ONNX, 384-d) run by
//! fastembed on ONNX Runtime loaded from a shared library we find ourselves,
//! so a missing model or runtime is an error message, never a panic or a
//! download.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fastembed::{
    InitOptionsUserDefined, Pooling, QuantizationMode, TextEmbedding, TokenizerFiles,
    UserDefinedEmbeddingModel,
};

use crate::error::{Error, Result};

/// Stored in quick_entry_embeddings.embedding_model; a different value there
/// means the vector is re-embedded.
pub const MODEL_ID: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// The folder name under a models dir.
pub const MODEL_DIR_NAME: &str = "all-MiniLM-L6-v2";
pub const DIMENSIONS: usize = 384;
/// Token limit per text (the model was trained on 256; entries are short).
const MAX_TOKENS: usize = 256;
/// Texts per ONNX run: big enough to amortise the call, small enough that
/// length-sorted batches carry little padding.
pub const BATCH_SIZE: usize = 32;

const MODEL_FILES: [&str; 5] =
    ["model.onnx", "tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"];

/// A folder holding the model files and the ONNX Runtime library.
#[derive(Debug, Clone)]
pub struct ModelLocation {
    pub dir: PathBuf,
    pub runtime: PathBuf,
}

/// Folders searched, in order: the `extra` roots (the desktop shell passes
/// its resources dir), then [`crate::models::roots`]; `$WAGNER_MODELS_DIR`
/// may also be the model folder itself.
pub fn candidate_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for root in extra {
        dirs.push(root.join("models").join(MODEL_DIR_NAME));
        dirs.push(root.join(MODEL_DIR_NAME));
    }
    dirs.extend(crate::models::roots().into_iter().map(|root| root.join(MODEL_DIR_NAME)));
    dirs.extend(crate::models::env_dir());
    dirs
}

/// The first candidate folder with every model file, and the runtime library
/// (`$ORT_DYLIB_PATH`, else the one in that folder). The error names what is
/// missing where, and how to install it.
pub fn locate(extra: &[PathBuf]) -> Result<ModelLocation> {
    let runtime_override = std::env::var_os("ORT_DYLIB_PATH").filter(|v| !v.is_empty()).map(PathBuf::from);
    locate_in(&candidate_dirs(extra), runtime_override)
}

fn locate_in(candidates: &[PathBuf], runtime_override: Option<PathBuf>) -> Result<ModelLocation> {
    let mut best: Option<(PathBuf, Vec<String>)> = None;
    for dir in candidates {
        if !dir.is_dir() {
            continue;
        }
        let mut missing: Vec<String> =
            MODEL_FILES.iter().filter(|f| !dir.join(f).is_file()).map(|f| f.to_string()).collect();
        let runtime = match &runtime_override {
            Some(path) if path.is_file() => Some(path.clone()),
            Some(_) => None,
            None => find_runtime(dir),
        };
        if runtime.is_none() {
            missing.push(match &runtime_override {
                Some(path) => format!("the ONNX Runtime library ORT_DYLIB_PATH={}", path.display()),
                None => format!("the ONNX Runtime library ({})", runtime_file_pattern()),
            });
        }
        match runtime {
            Some(runtime) if missing.is_empty() => return Ok(ModelLocation { dir: dir.clone(), runtime }),
            _ => {
                if best.as_ref().is_none_or(|(_, m)| missing.len() < m.len()) {
                    best = Some((dir.clone(), missing));
                }
            }
        }
    }
    let message = match best {
        Some((dir, missing)) => format!(
            "the embedding model is incomplete in {}: missing {}. Run scripts/setup.sh to install it \
             (semantic search is off; keyword search and everything else work)",
            dir.display(),
            missing.join(", ")
        ),
        None => format!(
            "the embedding model ({MODEL_DIR_NAME}) is not installed: looked in {}. Run scripts/setup.sh \
             or set WAGNER_MODELS_DIR (semantic search is off; keyword search and everything else work)",
            candidates.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Error::ModelUnavailable(message))
}

fn runtime_file_pattern() -> &'static str {
    if cfg!(target_os = "windows") {
        "onnxruntime.dll"
    } else if cfg!(target_os = "macos") {
        "libonnxruntime.*.dylib"
    } else {
        "libonnxruntime.so.1.*"
    }
}

/// The pip wheel ships `libonnxruntime.so.1.<minor>.<patch>` without an
/// unversioned symlink: take the newest versioned file.
fn find_runtime(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("libonnxruntime.so")
                || (name.starts_with("libonnxruntime") && name.ends_with(".dylib"))
                || name == "onnxruntime.dll"
        })
        .filter(|p| p.is_file())
        .collect();
    found.sort_by_key(|p| version_key(p));
    found.pop()
}

fn version_key(path: &Path) -> Vec<u32> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.split('.').filter_map(|part| part.parse().ok()).collect()
}

/// ONNX Runtime allows one environment per process and loads one library.
static ORT_ENV: Mutex<Option<ort::environment::Environment>> = Mutex::new(None);

fn ort_environment(runtime: &Path) -> Result<ort::environment::Environment> {
    let mut env =
        ORT_ENV.lock().map_err(|_| Error::ModelUnavailable("ONNX Runtime setup was interrupted".into()))?;
    if let Some(env) = env.as_ref() {
        return Ok(env.clone());
    }
    let builder = ort::init_from(runtime).map_err(|e| {
        Error::ModelUnavailable(format!(
            "cannot load ONNX Runtime from {}: {e}. Run scripts/setup.sh to install a matching version",
            runtime.display()
        ))
    })?;
    let built = builder
        .with_name("wagner-coach")
        .build()
        .map_err(|e| Error::ModelUnavailable(format!("cannot start ONNX Runtime: {e}")))?;
    *env = Some(built.clone());
    Ok(built)
}

/// A loaded model. Embedding is CPU-bound and synchronous: call it from a
/// blocking thread (`tokio::task::spawn_blocking`).
pub struct Embedder {
    model: Mutex<TextEmbedding>,
    location: ModelLocation,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("location", &self.location).finish()
    }
}

impl Embedder {
    /// Finds and loads the model (see [`locate`]).
    pub fn load_default() -> Result<Self> {
        Self::load(&locate(&[])?, None)
    }

    /// `threads`: ONNX Runtime intra-op threads (None = every core).
    pub fn load(location: &ModelLocation, threads: Option<usize>) -> Result<Self> {
        let read = |name: &str| {
            let path = location.dir.join(name);
            std::fs::read(&path)
                .map_err(|e| Error::io(format!("reading the embedding model file {}", path.display()), e))
        };
        let tokenizer_files = TokenizerFiles {
            tokenizer_file: read("tokenizer.json")?,
            config_file: read("config.json")?,
            special_tokens_map_file: read("special_tokens_map.json")?,
            tokenizer_config_file: read("tokenizer_config.json")?,
        };
        let mut model =
            UserDefinedEmbeddingModel::new(read("model.onnx")?, tokenizer_files).with_pooling(Pooling::Mean);
        // Weight-only int8: static, so batches of any size give the same vectors.
        model.quantization = QuantizationMode::Static;
        let mut options = InitOptionsUserDefined::new()
            .with_environment(ort_environment(&location.runtime)?)
            .with_max_length(MAX_TOKENS);
        if let Some(threads) = threads {
            options = options.with_intra_threads(threads.max(1));
        }
        let model = TextEmbedding::try_new_from_user_defined(model, options).map_err(|e| {
            Error::ModelUnavailable(format!(
                "cannot load the embedding model from {}: {e}",
                location.dir.display()
            ))
        })?;
        Ok(Embedder { model: Mutex::new(model), location: location.clone() })
    }

    pub fn model_id(&self) -> &'static str {
        MODEL_ID
    }

    pub fn location(&self) -> &ModelLocation {
        &self.location
    }

    /// L2-normalized 384-d vectors, in the order of `texts`. Texts are sorted
    /// by length and run in batches of similar length, so a batch is padded
    /// only to its own longest text.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        let mut model =
            self.model.lock().map_err(|_| Error::ModelUnavailable("the embedding model crashed".into()))?;
        for chunk in order.chunks(BATCH_SIZE) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            let vectors = model
                .embed(&batch, Some(batch.len()))
                .map_err(|e| Error::ModelUnavailable(format!("embedding failed: {e}")))?;
            for (&i, vector) in chunk.iter().zip(vectors) {
                if vector.len() != DIMENSIONS {
                    return Err(Error::ModelUnavailable(format!(
                        "the embedding model returned {} dimensions, expected {DIMENSIONS}",
                        vector.len()
                    )));
                }
                out[i] = vector;
            }
        }
        Ok(out)
    }

    /// fastembed as it comes: texts in the given order, fixed batches (the
    /// throughput bench's baseline).
    pub fn embed_unsorted(&self, texts: &[&str], batch: usize) -> Result<Vec<Vec<f32>>> {
        let mut model =
            self.model.lock().map_err(|_| Error::ModelUnavailable("the embedding model crashed".into()))?;
        model
            .embed(texts, Some(batch.max(1)))
            .map_err(|e| Error::ModelUnavailable(format!("embedding failed: {e}")))
    }

    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>> {
        self.embed(&[text])?.pop().ok_or_else(|| Error::ModelUnavailable("embedding returned nothing".into()))
    }
}

/// Little-endian f32 bytes, the form vec0 takes.
pub fn vector_blob(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|f| f.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_runtime_library_is_chosen() {
        let dir = tempfile::tempdir().unwrap();
        for name in
            ["libonnxruntime.so.1.9.0", "libonnxruntime.so.1.32.0", "libonnxruntime_providers_shared.so"]
        {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let found = find_runtime(dir.path()).unwrap();
        assert!(found.ends_with("libonnxruntime.so.1.32.0"), "{found:?}");
    }

    #[test]
    fn a_folder_without_the_model_says_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let models = dir.path().join("models").join(MODEL_DIR_NAME);
        std::fs::create_dir_all(&models).unwrap();
        std::fs::write(models.join("tokenizer.json"), b"{}").unwrap();
        let Err(Error::ModelUnavailable(message)) = locate_in(std::slice::from_ref(&models), None) else {
            panic!("a folder with only the tokenizer is not a model");
        };
        assert!(message.contains("model.onnx"), "{message}");
        assert!(message.contains("ONNX Runtime library"), "{message}");
        assert!(message.contains(&models.display().to_string()), "{message}");
        assert!(!message.contains("tokenizer.json,"), "{message}");

        let nowhere = locate_in(&[dir.path().join("absent")], None);
        assert!(matches!(nowhere, Err(Error::ModelUnavailable(m)) if m.contains("not installed")));
    }
}
