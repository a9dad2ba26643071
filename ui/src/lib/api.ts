// The one place the UI talks to the Rust core. Every call unwraps the
// tauri-specta Result and throws an ApiError (code + message) on failure, so a
// page can show the error where it happened.

import { Channel } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { commands, events } from "./bindings";
import type {
  QueueStatus,
  BodyCsvReport,
  TaskKind,
  ActivityFilter,
  ActivitySummary,
  ActivityView,
  AiStatus,
  FitnessDay,
  ImportProgress,
  AppStatus,
  BodyOverview,
  EntryDetails,
  EntryReview as EntryReviewData,
  EntryFilter,
  ProviderConfig,
  CommandError,
  DemoReport,
  ExpenditureReport,
  Measurement,
  Profile,
  QuickEntry,
  Result,
  Today,
  Upload,
  ActivityLevel,
  DayTotals,
  DayView,
  DeletedMeal,
  CustomFood,
  FoodDetails,
  FoodHit,
  NewRecipe,
  Recipe,
  RecipeSummary,
  Health,
  GoalProgress,
  MealCategory,
  MealEdit,
  MealSummary,
  NewGoal,
  TargetProposal,
  Period,
  PeriodKind,
  Preferences,
  ReadyReport,
  Answers,
  Calendar,
  ItemDetails,
  Progress,
  ProgramCreated,
  ProgramDay,
  PlannedExercise,
  Status,
  SearchQuery,
  SearchResults,
  SearchHit,
  SourceKind,
  EmbeddingStatus,
  PriceOverride,
  PriceRow,
  ProviderKind,
  WeekVolume,
  Device,
  DeviceImport,
  StravaStatus,
  Connection,
  SyncItem,
  StravaSyncReport,
  BackupReport,
  SyncProgress,
  SyncReport,
  SyncSettings,
  BackupInfo,
  BackupOverview,
  LiveRestoreReport,
  ScheduleSettings,
  HistoryPreview,
  HistoryProgress,
  HistoryReport,
  EnergyAvailability,
  ExportPreview,
  ExportReport,
  ImportReport,
  IcsSaved,
} from "./bindings";
import { toApiError, unwrap } from "./errors";

export { ApiError } from "./errors";

export type Commands = typeof commands;

let backend: Promise<Commands> | null = null;

/**
 * A browser preview aid: outside Tauri, and only when the URL carries `?mock`,
 * the commands are answered by an in-memory fake (src/lib/mock.ts, loaded
 * lazily so it never runs inside the app).
 */
export function mockVariant(): string | null {
  if (typeof window === "undefined") return null;
  if ("__TAURI_INTERNALS__" in window) return null;
  const params = new URLSearchParams(window.location.search);
  return params.has("mock") ? params.get("mock") || "demo" : null;
}

function getBackend(): Promise<Commands> {
  if (backend === null) {
    const variant = mockVariant();
    backend =
      variant === null
        ? Promise.resolve(commands)
        : import("./mock").then((m) => m.createMockCommands(variant));
  }
  return backend;
}

async function call<T>(run: (c: Commands) => Promise<Result<T, CommandError>>): Promise<T> {
  let result: Result<T, CommandError>;
  try {
    result = await run(await getBackend());
  } catch (e) {
    throw toApiError(e);
  }
  return unwrap(result);
}

export const api = {
  appStatus: (): Promise<AppStatus> => call((c) => c.appStatus()),
  today: (date: string | null = null): Promise<Today> => call((c) => c.today(date)),
  /** `day` (YYYY-MM-DD) puts the entry on a past day; null = now. */
  logEntry: (text: string | null, uploads: Upload[] = [], paths: string[] = [], day: string | null = null): Promise<QuickEntry> =>
    call((c) => c.logEntry(text, uploads, paths, day)),
  recentEntries: (limit: number): Promise<QuickEntry[]> => call((c) => c.recentEntries(limit)),
  loadDemo: (): Promise<DemoReport> => call((c) => c.loadDemo()),
  createProfile: (fullName: string): Promise<Profile> => call((c) => c.createProfile(fullName)),
  bodyOverview: (historyLimit: number | null = null): Promise<BodyOverview> =>
    call((c) => c.bodyOverview(historyLimit)),
  /** `values`: "key=value" strings, e.g. ["weight=82.4", "waist=84"]; bare numbers are in the user's units. */
  bodyAdd: (values: string[], at: string | null = null): Promise<Measurement> =>
    call((c) => c.bodyAdd(values, at)),
  bodyImportCsv: (contents: string): Promise<BodyCsvReport> => call((c) => c.bodyImportCsv(contents)),
  /** An empty value ("bf=") removes that measure. */
  bodyEdit: (id: string, values: string[], at: string | null = null): Promise<Measurement> =>
    call((c) => c.bodyEdit(id, values, at)),
  bodyDelete: (id: string): Promise<Measurement> => call((c) => c.bodyDelete(id)),
  bodyUndo: (): Promise<Measurement> => call((c) => c.bodyUndo()),
  bodyExpenditure: (windowDays: number | null = null): Promise<ExpenditureReport> =>
    call((c) => c.bodyExpenditure(windowDays)),
  bodyApplyTarget: (goalRateKg: number, windowDays: number | null = null): Promise<number> =>
    call((c) => c.bodyApplyTarget(goalRateKg, windowDays)),
  bodyAttachPhoto: (id: string, upload: Upload): Promise<Measurement> =>
    call((c) => c.bodyAttachPhoto(id, upload)),
  /** A `data:` URL of the measurement's photo (its thumbnail, or the full image). */
  bodyPhoto: (id: string, thumbnail: boolean): Promise<string> => call((c) => c.bodyPhoto(id, thumbnail)),
  searchEntries: (filter: EntryFilter): Promise<QuickEntry[]> => call((c) => c.searchEntries(filter)),
  entryDetails: (id: string): Promise<EntryDetails> => call((c) => c.entryDetails(id)),
  retryEntry: (id: string): Promise<QuickEntry> => call((c) => c.retryEntry(id)),
  /** The entry's foods that matched nothing, with candidates (kcal for the portion typed). */
  entryReview: (id: string): Promise<EntryReviewData> => call((c) => c.entryReview(id)),
  /** Picks a candidate for one unmatched food; the meal and day are recomputed, the pick remembered. */
  entryPickFood: (id: string, mealId: string, foodIndex: number, name: string, foodId: string): Promise<EntryReviewData> =>
    call((c) => c.entryPickFood(id, mealId, foodIndex, name, foodId)),
  editEntry: (id: string, text: string): Promise<EntryDetails> => call((c) => c.editEntry(id, text)),
  aiStatus: (): Promise<AiStatus> => call((c) => c.aiStatus()),
  saveAiSettings: (config: ProviderConfig | null): Promise<AiStatus> => call((c) => c.saveAiSettings(config)),
  activities: (filter: ActivityFilter): Promise<ActivitySummary[]> => call((c) => c.activities(filter)),
  activity: (id: string): Promise<ActivityView> => call((c) => c.activity(id)),
  /** Imports files, folders and ZIPs by path; `onProgress` hears each file as it is done. */
  importActivityPaths: (paths: string[], onProgress: (p: ImportProgress) => void): Promise<ImportProgress[]> =>
    call((c) => {
      // Outside Tauri (the ?mock preview) there is no IPC to make a channel with.
      const channel = mockVariant() === null ? new Channel<ImportProgress>() : ({} as Channel<ImportProgress>);
      channel.onmessage = onProgress;
      return c.importActivityPaths(paths, channel);
    }),
  /** Keeps a picked file's contents where the core can read it; returns its path. */
  importStage: (name: string, bytes: Uint8Array): Promise<string> =>
    call((c) => c.importStage(name, Array.from(bytes))),
  /** What a file or export holds, before anything is written. */
  importPreview: (path: string): Promise<HistoryPreview> => call((c) => c.importPreview(path)),
  /** Imports a previewed file; `onProgress` hears each batch. Stopped by `cancelImport`. */
  importHistory: (path: string, onProgress: (p: HistoryProgress) => void): Promise<HistoryReport> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<HistoryProgress>() : ({} as Channel<HistoryProgress>);
      channel.onmessage = onProgress;
      return c.importHistory(path, channel);
    }),
  importDiscard: (path: string): Promise<null> => call((c) => c.importDiscard(path)),
  energyAvailability: (date: string): Promise<EnergyAvailability> => call((c) => c.energyAvailability(date)),
  /** Stops the running import by path before its next file. */
  cancelImport: async (): Promise<void> => {
    await (await getBackend()).cancelImport();
  },
  /** Imports one picked file's contents (`index` of `total` picked). */
  importActivityFile: (name: string, bytes: Uint8Array, index: number, total: number): Promise<ImportProgress[]> =>
    call((c) => c.importActivityFile(name, Array.from(bytes), index, total)),
  fitness: (from: string, to: string): Promise<FitnessDay[]> => call((c) => c.fitness(from, to)),
  // Nutrition (src-tauri/src/nutrition_commands.rs)
  nutritionDay: (date: string | null): Promise<DayView> => call((c) => c.nutritionDay(date)),
  foodSearch: (query: string): Promise<FoodHit[]> => call((c) => c.foodSearch(query)),
  /** `online`: look an unknown barcode up in Open Food Facts (and keep it). */
  foodBarcode: (code: string, online = false): Promise<FoodHit> => call((c) => c.foodBarcode(code, online)),
  foodDetails: (id: string): Promise<FoodDetails> => call((c) => c.foodDetails(id)),
  foodCreate: (food: CustomFood): Promise<FoodDetails> => call((c) => c.foodCreate(food)),
  recipeList: (): Promise<RecipeSummary[]> => call((c) => c.recipeList()),
  recipeGet: (id: string): Promise<Recipe> => call((c) => c.recipeGet(id)),
  recipeCreate: (recipe: NewRecipe): Promise<Recipe> => call((c) => c.recipeCreate(recipe)),
  /** Replaces the recipe's name, servings and ingredients; its nutrients are recomputed. */
  recipeUpdate: (id: string, recipe: NewRecipe): Promise<Recipe> => call((c) => c.recipeUpdate(id, recipe)),
  mealLogFood: (
    date: string | null,
    category: MealCategory,
    foodId: string,
    quantity: number,
    unit: string,
  ): Promise<MealSummary> => call((c) => c.mealLogFood(date, category, foodId, quantity, unit)),
  mealAddFood: (mealId: string, foodId: string, quantity: number, unit: string): Promise<MealSummary> =>
    call((c) => c.mealAddFood(mealId, foodId, quantity, unit)),
  mealEdit: (id: string, edit: MealEdit): Promise<MealSummary> => call((c) => c.mealEdit(id, edit)),
  mealCopy: (id: string, to: string, category: MealCategory | null = null): Promise<MealSummary> =>
    call((c) => c.mealCopy(id, to, category)),
  mealCopyDay: (from: string, to: string): Promise<MealSummary[]> => call((c) => c.mealCopyDay(from, to)),
  mealDelete: (ids: string[]): Promise<DeletedMeal[]> => call((c) => c.mealDelete(ids)),
  mealUndo: (): Promise<DeletedMeal[]> => call((c) => c.mealUndo()),
  nutritionHistory: (from: string, to: string): Promise<DayTotals[]> => call((c) => c.nutritionHistory(from, to)),
  nutritionTargets: (activity: ActivityLevel | null, goalRate: number, apply: boolean): Promise<TargetProposal> =>
    call((c) => c.nutritionTargets(activity, goalRate, apply)),
  goalsList: (): Promise<GoalProgress[]> => call((c) => c.goalsList()),
  goalAdd: (goal: NewGoal): Promise<GoalProgress> => call((c) => c.goalAdd(goal)),
  goalSetStatus: (id: string, status: string): Promise<GoalProgress> => call((c) => c.goalSetStatus(id, status)),
  goalDelete: (id: string): Promise<null> => call((c) => c.goalDelete(id)),
  /** The week or month holding `date` (today by default), day by day with totals. */
  period: (kind: PeriodKind, date: string | null = null): Promise<Period> => call((c) => c.period(kind, date)),
  savePreferences: (preferences: Preferences): Promise<Profile> => call((c) => c.savePreferences(preferences)),
  timeZones: async (): Promise<string[]> => (await getBackend()).timeZones(),
  rememberPage: (page: string): Promise<null> => call((c) => c.rememberPage(page)),
  /** Opens the data folder in the file manager; returns the folder. */
  openDataFolder: (): Promise<string> => call((c) => c.openDataFolder()),
  databaseCheck: (): Promise<Health> => call((c) => c.databaseCheck()),
  /** Tells the shell the first page shows real data (the start-up benchmark's marker). */
  windowReady: async (page: string): Promise<ReadyReport> => (await getBackend()).windowReady(page),
  /** Generates a 12-week program (AI when configured unless `offline`); `onProgress` hears each week. */
  programCreate: (answers: Answers, offline: boolean, onProgress: (p: Progress) => void): Promise<ProgramCreated> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<Progress>() : ({} as Channel<Progress>);
      channel.onmessage = onProgress;
      return c.programCreate(answers, offline, channel);
    }),
  programDay: (date: string | null = null): Promise<ProgramDay | null> => call((c) => c.programDay(date)),
  programCalendar: (): Promise<Calendar | null> => call((c) => c.programCalendar()),
  programItem: (id: string): Promise<ItemDetails> => call((c) => c.programItem(id)),
  /** An item id, or a day id for the whole day. */
  programMark: (id: string, status: Status): Promise<null> => call((c) => c.programMark(id, status)),
  programPause: (): Promise<null> => call((c) => c.programPause()),
  programResume: (): Promise<number> => call((c) => c.programResume()),
  /** Asks where to save the program's .ics (a save dialog) and writes it; null when cancelled. */
  programExportIcs: (): Promise<IcsSaved | null> => call((c) => c.programExportIcs()),
  programSwapMeal: (id: string): Promise<string> => call((c) => c.programSwapMeal(id)),
  programSwapExercise: (id: string, index: number): Promise<PlannedExercise> =>
    call((c) => c.programSwapExercise(id, index)),
  programUnlink: (id: string): Promise<null> => call((c) => c.programUnlink(id)),
  /** Completes a planned meal with a logged one. */
  programLinkMeal: (id: string, mealLogId: string): Promise<null> => call((c) => c.programLinkMeal(id, mealLogId)),
  /** Swaps what two days (1 to 84) hold. */
  programMoveDay: (from: number, to: number): Promise<null> => call((c) => c.programMoveDay(from, to)),
  /** Regenerates the untouched days from `week` on; returns how many changed. */
  programRegenerate: (week: number): Promise<number> => call((c) => c.programRegenerate(week)),
  /** Hybrid (meaning + words) search over everything logged; keyword-only without the model, with a notice. */
  search: (query: SearchQuery): Promise<SearchResults> => call((c) => c.search(query)),
  similar: (kind: SourceKind, id: string, limit: number | null = null): Promise<SearchHit[]> =>
    call((c) => c.similar(kind, id, limit)),
  embeddingStatus: (): Promise<EmbeddingStatus> => call((c) => c.embeddingStatus()),
  /** Pauses (stopping the round in progress) or resumes background indexing. */
  embeddingPause: async (paused: boolean): Promise<QueueStatus> => (await getBackend()).embeddingPause(paused),
  /** Cancels the running sync or AI program generation; false when none was running. */
  cancelTask: async (kind: TaskKind): Promise<boolean> => (await getBackend()).cancelTask(kind),
  /** Saves the provider's API key in the OS keyring; `null` forgets it. The answer never holds the key. */
  setAiKey: (kind: ProviderKind, key: string | null): Promise<AiStatus> => call((c) => c.setAiKey(kind, key)),
  aiPrices: (): Promise<PriceRow[]> => call((c) => c.aiPrices()),
  /** Replaces the user's prices; built-in models not listed keep their published price. */
  saveAiPrices: (prices: PriceOverride[]): Promise<PriceRow[]> => call((c) => c.saveAiPrices(prices)),
  /** Distance, time and load per ISO week and sport (the last `weeks` weeks, or up to the newest activity). */
  weeklyVolume: (weeks: number): Promise<WeekVolume[]> => call((c) => c.weeklyVolume(weeks)),
  /** Garmin watches plugged in over USB (a GARMIN/Activity folder on a mounted drive). */
  watchDevices: (): Promise<Device[]> => call((c) => c.watchDevices()),
  /** Imports a watch's files not imported before; `onProgress` hears each file as it is done. */
  importWatchDevice: (mountPath: string, onProgress: (p: ImportProgress) => void): Promise<DeviceImport> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<ImportProgress>() : ({} as Channel<ImportProgress>);
      channel.onmessage = onProgress;
      return c.importWatchDevice(mountPath, channel);
    }),
  stravaStatus: (): Promise<StravaStatus> => call((c) => c.stravaStatus()),
  stravaSaveApp: (clientId: string, clientSecret: string | null): Promise<StravaStatus> =>
    call((c) => c.stravaSaveApp(clientId, clientSecret)),
  /** Opens Strava's authorization page in the system browser and waits for its answer. */
  stravaConnect: (): Promise<Connection> => call((c) => c.stravaConnect()),
  stravaSync: (onProgress: (item: SyncItem) => void): Promise<StravaSyncReport> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<SyncItem>() : ({} as Channel<SyncItem>);
      channel.onmessage = onProgress;
      return c.stravaSync(channel);
    }),
  stravaDisconnect: (): Promise<StravaStatus> => call((c) => c.stravaDisconnect()),
  /** Forgets the Strava API application (client id, secret) and any tokens. */
  stravaForgetApp: (): Promise<StravaStatus> => call((c) => c.stravaForgetApp()),
  syncStatus: (): Promise<SyncSettings> => call((c) => c.syncStatus()),
  syncSaveServer: (url: string): Promise<SyncSettings> => call((c) => c.syncSaveServer(url)),
  /** Syncs in the background; `onProgress` hears each finished batch. */
  syncNow: (onProgress: (p: SyncProgress) => void): Promise<SyncReport> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<SyncProgress>() : ({} as Channel<SyncProgress>);
      channel.onmessage = onProgress;
      return c.syncNow(channel);
    }),
  backupNow: (): Promise<BackupReport> => call((c) => c.backupNow()),
  backupOverview: (): Promise<BackupOverview> => call((c) => c.backupOverview()),
  backupSaveSchedule: (settings: ScheduleSettings): Promise<BackupOverview> =>
    call((c) => c.backupSaveSchedule(settings)),
  /** Checks a backup (changes nothing) and says what it holds. */
  backupInspect: (path: string): Promise<BackupInfo> => call((c) => c.backupInspect(path)),
  /** Checks a picked file; restore it by the returned `file`. */
  backupInspectUpload: (upload: Upload): Promise<BackupInfo> => call((c) => c.backupInspectUpload(upload)),
  /** Replaces the data with the backup at `path`; with `undoable`, a safety backup is made first. */
  backupRestore: (path: string, undoable: boolean): Promise<LiveRestoreReport> =>
    call((c) => c.backupRestore(path, undoable)),
  /** Asks for a new folder (a save dialog) and exports everything into it; null when cancelled. */
  exportEverything: (): Promise<ExportReport | null> => call((c) => c.exportEverything()),
  /** Asks for an export folder and says what importing it would add; null when cancelled. */
  exportPreview: (): Promise<ExportPreview | null> => call((c) => c.exportPreview()),
  /** Loads a previewed export into this database, which has no profile yet. */
  exportImport: (dir: string): Promise<ImportReport> => call((c) => c.exportImport(dir)),
};

/** Calls `handler` when a second launch of the app focused this window instead. */
export async function onSecondLaunch(handler: () => void): Promise<() => void> {
  if (mockVariant() !== null || typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) {
    return () => {};
  }
  return events.secondLaunch.listen(() => handler());
}

/**
 * Calls `handler` with the id of every quick entry the core finishes reading
 * in the background. Returns the unsubscribe function (the preview's fake reads too).
 */
export async function onEntryUpdated(handler: (id: string) => void): Promise<() => void> {
  if (mockVariant() !== null) return (await import("./mock")).onMockEntryUpdated(handler);
  if (typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) return () => {};
  return events.entryUpdated.listen((event) => handler(event.payload.id));
}

/** A native file drag over the window: paths on enter and drop, none otherwise. */
export type FileDrag = { type: "enter" | "drop"; paths: string[] } | { type: "over" | "leave" };

/**
 * Calls `handler` for native file drags onto the window (Tauri gives real
 * paths). Returns the unsubscribe function. A no-op in the preview.
 */
export async function onFileDrag(handler: (drag: FileDrag) => void): Promise<() => void> {
  if (mockVariant() !== null || typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) {
    return () => {};
  }
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    handler(p.type === "enter" || p.type === "drop" ? { type: p.type, paths: p.paths } : { type: p.type });
  });
}

// --- Coach chat ---
import type { CoachEvent, CoachOverview, Message } from "./bindings";

export const coachApi = {
  /** Asks the coach; `onEvent` hears started, sources, each delta, then done (or error). */
  ask: (
    requestId: string,
    question: string,
    conversationId: string | null,
    offline: boolean,
    onEvent: (e: CoachEvent) => void,
  ): Promise<Message> =>
    call((c) => {
      // Outside Tauri (the ?mock preview) there is no IPC to make a channel with.
      const channel = mockVariant() === null ? new Channel<CoachEvent>() : ({} as Channel<CoachEvent>);
      channel.onmessage = onEvent;
      return c.coachAsk(requestId, question, conversationId, offline, channel);
    }),
  /** The stop button: true when an answer with this id was running. */
  stop: (requestId: string): Promise<boolean> => call((c) => c.coachStop(requestId)),
  conversations: (): Promise<CoachOverview> => call((c) => c.coachConversations()),
  messages: (conversationId: string): Promise<Message[]> => call((c) => c.coachMessages(conversationId)),
};
