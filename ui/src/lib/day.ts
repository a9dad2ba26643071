/** Today in the profile's time zone, YYYY-MM-DD (the entry box's default day). */
export function localToday(timeZone: string | null | undefined, now: Date = new Date()): string {
  // From the parts, not the formatted string: a web engine without the
  // "en-CA" locale formats as MM/DD/YYYY.
  const format = (tz: string | undefined): string => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
    const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("year")}-${part("month")}-${part("day")}`;
  };
  try {
    return format(timeZone ?? undefined);
  } catch {
    // An unknown zone name: the machine's day.
    return format(undefined);
  }
}
