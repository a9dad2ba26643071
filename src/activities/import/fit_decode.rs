//! A focused FIT decoder: the binary protocol in full (file headers,
//! definition and data messages, compressed-timestamp headers, developer
//! fields, chained files, checksums) but only the messages and fields an
//! activity import reads, decoded straight into typed structs.
//!
//! `fitparser` builds a `String` name and a `HashMap` per field of every
//! message; an activity of a few thousand records spends most of its import
//! time there. This decoder reads each wanted field from its byte offset in
//! the message and skips the rest. Its values follow `fitparser`'s rules
//! (invalid sentinels, arrays, scale/offset, components, enum names from the
//! SDK profile that `fitparser` ships) so both give the same messages: see
//! `fit::decode_with_fitparser` and the test comparing them on every fixture.

use chrono::{DateTime, Utc};
use fitparser::profile::{FieldDataType, get_field_variant_as_string};

/// Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z).
const FIT_EPOCH: i64 = 631_065_600;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileIdMsg {
    pub file_type: Option<String>,
    pub manufacturer: Option<String>,
    /// `garmin_product` (Garmin, Dynastream, Tacx devices).
    pub garmin_product: Option<String>,
    pub product_name: Option<String>,
    pub time_created: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SportMsg {
    pub sport: Option<String>,
    pub sub_sport: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RecordMsg {
    pub timestamp: Option<DateTime<Utc>>,
    /// Semicircles.
    pub position_lat: Option<f64>,
    pub position_long: Option<f64>,
    /// `enhanced_altitude`, else `altitude` (the same quantity, more range).
    pub altitude: Option<f64>,
    pub heart_rate: Option<f64>,
    pub cadence: Option<f64>,
    pub fractional_cadence: Option<f64>,
    pub distance: Option<f64>,
    /// `enhanced_speed`, else `speed`.
    pub speed: Option<f64>,
    pub power: Option<f64>,
    pub temperature: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LapMsg {
    pub start_time: Option<DateTime<Utc>>,
    pub total_elapsed_time: Option<f64>,
    pub total_timer_time: Option<f64>,
    pub total_distance: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
    pub avg_power: Option<f64>,
    /// `avg_cadence`, or `avg_running_cadence` in a running lap.
    pub avg_cadence: Option<f64>,
    pub avg_speed: Option<f64>,
    pub total_ascent: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LengthMsg {
    pub start_time: Option<DateTime<Utc>>,
    pub total_elapsed_time: Option<f64>,
    pub total_timer_time: Option<f64>,
    pub avg_speed: Option<f64>,
    pub swim_stroke: Option<String>,
    pub length_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetMsg {
    pub timestamp: Option<DateTime<Utc>>,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<f64>,
    pub repetitions: Option<f64>,
    pub weight: Option<f64>,
    pub set_type: Option<String>,
    pub category: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionMsg {
    pub start_time: Option<DateTime<Utc>>,
    pub sport: Option<String>,
    pub sub_sport: Option<String>,
    pub total_elapsed_time: Option<f64>,
    pub total_timer_time: Option<f64>,
    pub total_distance: Option<f64>,
    pub total_ascent: Option<f64>,
    pub total_descent: Option<f64>,
    pub total_calories: Option<f64>,
    pub avg_heart_rate: Option<f64>,
    pub max_heart_rate: Option<f64>,
    pub avg_power: Option<f64>,
    pub max_power: Option<f64>,
    pub normalized_power: Option<f64>,
    pub avg_cadence: Option<f64>,
    pub avg_speed: Option<f64>,
    pub max_speed: Option<f64>,
    pub pool_length: Option<f64>,
}

/// The messages an activity import reads, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum FitMsg {
    FileId(FileIdMsg),
    Sport(SportMsg),
    Record(RecordMsg),
    Lap(LapMsg),
    Length(LengthMsg),
    Set(SetMsg),
    Session(SessionMsg),
}

/// Global message numbers (FIT SDK profile).
const MESG_FILE_ID: u16 = 0;
const MESG_SPORT: u16 = 12;
const MESG_SESSION: u16 = 18;
const MESG_LAP: u16 = 19;
const MESG_RECORD: u16 = 20;
const MESG_LENGTH: u16 = 101;
const MESG_SET: u16 = 225;

/// A field definition: where its bytes are in the data message.
#[derive(Debug, Clone, Copy)]
struct FieldDef {
    num: u8,
    offset: u16,
    size: u8,
    base: u8,
}

#[derive(Debug, Clone, Default)]
struct Definition {
    global: u16,
    big_endian: bool,
    /// Bytes of a data message after its header, developer fields included.
    size: usize,
    /// Only the fields of a wanted message, plus field 253 of any message
    /// (the timestamp that compressed-timestamp headers count from).
    fields: Vec<FieldDef>,
    timestamp: Option<FieldDef>,
}

fn wanted(global: u16) -> bool {
    matches!(
        global,
        MESG_FILE_ID | MESG_SPORT | MESG_SESSION | MESG_LAP | MESG_RECORD | MESG_LENGTH | MESG_SET
    )
}

/// Size in bytes of a base type; `fitparser` reads unknown types as single bytes.
fn base_size(base: u8) -> u8 {
    match base {
        0x83 | 0x84 | 0x8B => 2,
        0x85 | 0x86 | 0x88 | 0x8C => 4,
        0x89 | 0x8E | 0x8F | 0x90 => 8,
        _ => 1,
    }
}

/// One decoded field value before the profile applies scale or names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Raw {
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl Raw {
    fn as_f64(self) -> f64 {
        match self {
            Raw::Int(v) => v as f64,
            Raw::UInt(v) => v as f64,
            Raw::Float(v) => v,
        }
    }

    fn as_i64(self) -> Option<i64> {
        match self {
            Raw::Int(v) => Some(v),
            Raw::UInt(v) => i64::try_from(v).ok(),
            Raw::Float(_) => None,
        }
    }
}

/// A field's value as `fitparser` would present it: its first element
/// (arrays keep invalid elements, so an invalid first element reads as
/// nothing) and whether it was an array.
#[derive(Debug, Clone, Copy)]
struct Value {
    raw: Raw,
    array: bool,
}

fn read_element(b: &[u8], base: u8, big: bool) -> Option<Raw> {
    macro_rules! int {
        ($t:ty, $n:expr) => {{
            let a: [u8; $n] = b.get(..$n)?.try_into().ok()?;
            if big { <$t>::from_be_bytes(a) } else { <$t>::from_le_bytes(a) }
        }};
    }
    let raw = match base {
        0x00 | 0x02 => {
            let v = *b.first()?;
            (v != 0xFF).then_some(Raw::UInt(u64::from(v)))?
        }
        0x0D => {
            let v = *b.first()?;
            (v != 0xFF).then_some(Raw::UInt(u64::from(v)))?
        }
        0x01 => {
            let v = *b.first()? as i8;
            (v != 0x7F).then_some(Raw::Int(i64::from(v)))?
        }
        0x0A => {
            let v = *b.first()?;
            (v != 0).then_some(Raw::UInt(u64::from(v)))?
        }
        0x83 => {
            let v = int!(i16, 2);
            (v != 0x7FFF).then_some(Raw::Int(i64::from(v)))?
        }
        0x84 => {
            let v = int!(u16, 2);
            (v != 0xFFFF).then_some(Raw::UInt(u64::from(v)))?
        }
        0x8B => {
            let v = int!(u16, 2);
            (v != 0).then_some(Raw::UInt(u64::from(v)))?
        }
        0x85 => {
            let v = int!(i32, 4);
            (v != 0x7FFF_FFFF).then_some(Raw::Int(i64::from(v)))?
        }
        0x86 => {
            let v = int!(u32, 4);
            (v != 0xFFFF_FFFF).then_some(Raw::UInt(u64::from(v)))?
        }
        0x8C => {
            let v = int!(u32, 4);
            (v != 0).then_some(Raw::UInt(u64::from(v)))?
        }
        0x88 => {
            let v = f32::from_bits(int!(u32, 4));
            v.is_finite().then_some(Raw::Float(f64::from(v)))?
        }
        0x89 => {
            let v = f64::from_bits(int!(u64, 8));
            v.is_finite().then_some(Raw::Float(v))?
        }
        0x8E => {
            let v = int!(i64, 8);
            (v != 0x7FFF_FFFF_FFFF_FFFF).then_some(Raw::Int(v))?
        }
        0x8F => {
            let v = int!(u64, 8);
            (v != u64::MAX).then_some(Raw::UInt(v))?
        }
        0x90 => {
            let v = int!(u64, 8);
            (v != 0).then_some(Raw::UInt(v))?
        }
        // Strings are read by `text`; unknown base types hold no number.
        _ => return None,
    };
    Some(raw)
}

/// Reads the fields of one data message.
struct Fields<'a> {
    data: &'a [u8],
    def: &'a Definition,
}

impl Fields<'_> {
    fn find(&self, num: u8) -> Option<&FieldDef> {
        self.def.fields.iter().find(|f| f.num == num)
    }

    fn value(&self, num: u8) -> Option<Value> {
        let f = self.find(num)?;
        value_of(self.data, f, self.def.big_endian)
    }

    /// A number with the profile's scale and offset.
    fn scaled(&self, num: u8, scale: f64, offset: f64) -> Option<f64> {
        let v = self.value(num)?;
        let x = v.raw.as_f64();
        Some(if scale != 1.0 || offset != 0.0 { x / scale - offset } else { x })
    }

    fn num(&self, num: u8) -> Option<f64> {
        self.scaled(num, 1.0, 0.0)
    }

    /// A `date_time` field; arrays of them are plain numbers in `fitparser`.
    fn time(&self, num: u8) -> Option<DateTime<Utc>> {
        let v = self.value(num)?;
        if v.array {
            return None;
        }
        DateTime::from_timestamp(FIT_EPOCH + v.raw.as_i64()?, 0)
    }

    /// The profile's name of an enum value; unnamed values and arrays have none.
    fn name(&self, num: u8, kind: FieldDataType) -> Option<String> {
        let v = self.value(num)?;
        if v.array {
            return None;
        }
        let n = v.raw.as_i64()?;
        kind.is_named_variant(n).then(|| get_field_variant_as_string(kind, n))
    }

    fn raw_int(&self, num: u8) -> Option<i64> {
        self.value(num).filter(|v| !v.array).and_then(|v| v.raw.as_i64())
    }

    fn text(&self, num: u8) -> Option<String> {
        let f = self.find(num)?;
        if f.base != 0x07 {
            return None;
        }
        let bytes = self.data.get(usize::from(f.offset)..usize::from(f.offset) + usize::from(f.size))?;
        let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        String::from_utf8(bytes[..end].to_vec()).ok()
    }
}

fn value_of(data: &[u8], f: &FieldDef, big: bool) -> Option<Value> {
    let start = usize::from(f.offset);
    let bytes = data.get(start..start + usize::from(f.size))?;
    let base = f.base;
    if base == 0x07 {
        return None;
    }
    let width = usize::from(base_size(base));
    let first = read_element(bytes, base, big);
    let count = bytes.len() / width;
    if count <= 1 {
        return first.map(|raw| Value { raw, array: false });
    }
    // An array counts if any element is valid, but reads as its first.
    let raw = first?;
    Some(Value { raw, array: true })
}

/// CRC-16 of the FIT SDK (reflected polynomial 0xA001), one table step per byte.
const CRC_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xA001 } else { crc >> 1 };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

pub(crate) fn crc16(mut crc: u16, data: &[u8]) -> u16 {
    for &b in data {
        crc = (crc >> 8) ^ CRC_TABLE[usize::from((crc ^ u16::from(b)) as u8)];
    }
    crc
}

/// Decoded messages plus what was wrong if decoding stopped early.
pub struct Decoded {
    pub messages: Vec<FitMsg>,
    pub damage: Option<String>,
}

pub fn is_fit_header(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[8..12] == b".FIT" && matches!(bytes[0], 12 | 14)
}

/// Decodes every wanted message it can, file after chained file. A damaged
/// or truncated file yields the messages before the damage and a description.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut out = Decoded { messages: Vec::new(), damage: None };
    let mut pos = 0;
    while pos < bytes.len() {
        match decode_one(bytes, pos, &mut out.messages) {
            Ok(end) => pos = end,
            Err(damage) => {
                out.damage = Some(damage);
                break;
            }
        }
        // Chained FIT files follow; anything else after the checksum is padding.
        if !is_fit_header(&bytes[pos..]) {
            break;
        }
    }
    out
}

fn truncated(at: usize) -> String {
    format!("truncated: the file ends inside a message at byte {at}")
}

/// One FIT file starting at `start`; returns the offset after its checksum.
fn decode_one(bytes: &[u8], start: usize, out: &mut Vec<FitMsg>) -> Result<usize, String> {
    let file = &bytes[start..];
    let header_size = usize::from(*file.first().ok_or_else(|| truncated(start))?);
    if file.len() < header_size.max(12) {
        return Err(truncated(start));
    }
    let data_size = u32::from_le_bytes([file[4], file[5], file[6], file[7]]) as usize;
    let header_crc = if header_size >= 14 { u16::from_le_bytes([file[12], file[13]]) } else { 0 };
    // As `fitparser` (and the SDK's FitTestTool): a non-zero header CRC is
    // checked on its own; otherwise the header counts in the file CRC.
    let mut crc = 0;
    if header_crc != 0 {
        if crc16(0, &file[..header_size - 2]) != header_crc {
            return Err("checksum mismatch: the data was altered or damaged".into());
        }
    } else {
        crc = crc16(0, &file[..header_size]);
    }
    let end = header_size.saturating_add(data_size);
    let mut defs: [Option<Definition>; 16] = Default::default();
    let mut last_timestamp: i64 = 0;
    let mut p = header_size;
    while p < end {
        let msg_start = p;
        let at = start + msg_start;
        let header = *file.get(p).ok_or_else(|| truncated(at))?;
        p += 1;
        if header & 0x80 == 0 && header & 0x40 != 0 {
            // Definition message.
            let fixed = file.get(p..p + 5).ok_or_else(|| truncated(at))?;
            let big = fixed[1] == 1;
            let global = if big {
                u16::from_be_bytes([fixed[2], fixed[3]])
            } else {
                u16::from_le_bytes([fixed[2], fixed[3]])
            };
            let count = usize::from(fixed[4]);
            p += 5;
            let raw_fields = file.get(p..p + 3 * count).ok_or_else(|| truncated(at))?;
            p += 3 * count;
            let keep = wanted(global);
            let mut def = Definition { global, big_endian: big, ..Definition::default() };
            let mut offset = 0usize;
            for f in raw_fields.chunks_exact(3) {
                let (num, size, mut base) = (f[0], f[1], f[2]);
                if size % base_size(base) != 0 {
                    base = 0x0D;
                }
                let fd = FieldDef { num, offset: offset as u16, size, base };
                if num == 253 {
                    def.timestamp = Some(fd);
                }
                if keep {
                    def.fields.push(fd);
                }
                offset += usize::from(size);
            }
            if header & 0x20 != 0 {
                let n = usize::from(*file.get(p).ok_or_else(|| truncated(at))?);
                p += 1;
                let dev = file.get(p..p + 3 * n).ok_or_else(|| truncated(at))?;
                p += 3 * n;
                offset += dev.chunks_exact(3).map(|d| usize::from(d[1])).sum::<usize>();
            }
            def.size = offset;
            if offset > usize::from(u16::MAX) {
                return Err(format!("damaged at byte {at}: a message definition is too large"));
            }
            defs[usize::from(header & 0x0F)] = Some(def);
            crc = crc16(crc, &file[msg_start..p]);
            continue;
        }
        let (local, time_offset) = if header & 0x80 != 0 {
            ((header >> 5) & 0x03, Some(header & 0x1F))
        } else {
            (header & 0x0F, None)
        };
        let def = defs[usize::from(local)]
            .as_ref()
            .ok_or_else(|| format!("damaged at byte {at}: message type {local} was never defined"))?;
        let data = file.get(p..p + def.size).ok_or_else(|| truncated(at))?;
        p += def.size;
        crc = crc16(crc, &file[msg_start..p]);
        if let Some(ts) = def.timestamp
            && let Some(v) = value_of(data, &ts, def.big_endian)
            && let Some(t) = v.raw.as_i64()
        {
            last_timestamp = t;
        }
        let compressed_time = time_offset.map(|off| {
            let off = i64::from(off);
            let mut t = off + (last_timestamp & !31);
            if off < (last_timestamp & 31) {
                t += 32;
            }
            last_timestamp = t;
            t
        });
        if !wanted(def.global) {
            continue;
        }
        let f = Fields { data, def };
        let compressed = compressed_time.and_then(|t| DateTime::from_timestamp(FIT_EPOCH + t, 0));
        if let Some(msg) = message(&f, compressed) {
            out.push(msg);
        }
    }
    // As `fitparser`: data that ends exactly where the checksum would start is
    // complete (only the checksum is missing); one stray byte is a cut.
    if file.len() == end {
        return Ok(start + end);
    }
    let stored = file.get(end..end + 2).ok_or_else(|| truncated(start + end))?;
    if u16::from_le_bytes([stored[0], stored[1]]) != crc {
        return Err("checksum mismatch: the data was altered or damaged".into());
    }
    Ok(start + end + 2)
}

fn message(f: &Fields, compressed_time: Option<DateTime<Utc>>) -> Option<FitMsg> {
    Some(match f.def.global {
        MESG_FILE_ID => {
            let manufacturer = f.raw_int(1);
            FitMsg::FileId(FileIdMsg {
                file_type: f.name(0, FieldDataType::File),
                manufacturer: f.name(1, FieldDataType::Manufacturer),
                // garmin, dynastream_oem, dynastream, tacx
                garmin_product: matches!(manufacturer, Some(1 | 13 | 15 | 89))
                    .then(|| f.name(2, FieldDataType::GarminProduct))
                    .flatten(),
                product_name: f.text(8),
                time_created: f.time(4),
            })
        }
        MESG_SPORT => FitMsg::Sport(SportMsg {
            sport: f.name(0, FieldDataType::Sport),
            sub_sport: f.name(1, FieldDataType::SubSport),
        }),
        MESG_RECORD => {
            let (mut speed, mut distance) = (f.scaled(73, 1000.0, 0.0), f.scaled(5, 100.0, 0.0));
            if speed.is_none() {
                speed = f.scaled(6, 1000.0, 0.0);
            }
            // compressed_speed_distance: 12 bits of speed (1/100 m/s), 12 of distance (1/16 m).
            if let Some(fd) = f.find(8)
                && fd.size >= 3
                && let Some(b) = f.data.get(usize::from(fd.offset)..usize::from(fd.offset) + 3)
                && b != [0xFF, 0xFF, 0xFF]
            {
                let bits = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
                speed = Some(f64::from(bits & 0xFFF) / 100.0);
                distance = Some(f64::from(bits >> 12) / 16.0);
            }
            FitMsg::Record(RecordMsg {
                timestamp: f.time(253).or(compressed_time),
                position_lat: f.num(0),
                position_long: f.num(1),
                altitude: f.scaled(78, 5.0, 500.0).or_else(|| f.scaled(2, 5.0, 500.0)),
                heart_rate: f.num(3),
                cadence: f.num(4),
                fractional_cadence: f.scaled(53, 128.0, 0.0),
                distance,
                speed,
                power: f.num(7),
                temperature: f.num(13),
            })
        }
        MESG_LAP => FitMsg::Lap(LapMsg {
            start_time: f.time(2),
            total_elapsed_time: f.scaled(7, 1000.0, 0.0),
            total_timer_time: f.scaled(8, 1000.0, 0.0),
            total_distance: f.scaled(9, 100.0, 0.0),
            avg_heart_rate: f.num(15),
            max_heart_rate: f.num(16),
            avg_power: f.num(19),
            avg_cadence: f.num(17),
            avg_speed: f.scaled(110, 1000.0, 0.0).or_else(|| f.scaled(13, 1000.0, 0.0)),
            total_ascent: f.num(21),
        }),
        MESG_LENGTH => FitMsg::Length(LengthMsg {
            start_time: f.time(2),
            total_elapsed_time: f.scaled(3, 1000.0, 0.0),
            total_timer_time: f.scaled(4, 1000.0, 0.0),
            avg_speed: f.scaled(6, 1000.0, 0.0),
            swim_stroke: f.name(7, FieldDataType::SwimStroke),
            length_type: f.name(12, FieldDataType::LengthType),
        }),
        MESG_SET => FitMsg::Set(SetMsg {
            timestamp: f.time(254),
            start_time: f.time(6),
            duration: f.scaled(0, 1000.0, 0.0),
            repetitions: f.num(3),
            weight: f.scaled(4, 16.0, 0.0),
            set_type: f.name(5, FieldDataType::SetType),
            category: f.name(7, FieldDataType::ExerciseCategory),
        }),
        MESG_SESSION => FitMsg::Session(SessionMsg {
            start_time: f.time(2),
            sport: f.name(5, FieldDataType::Sport),
            sub_sport: f.name(6, FieldDataType::SubSport),
            total_elapsed_time: f.scaled(7, 1000.0, 0.0),
            total_timer_time: f.scaled(8, 1000.0, 0.0),
            total_distance: f.scaled(9, 100.0, 0.0),
            total_ascent: f.num(22),
            total_descent: f.num(23),
            total_calories: f.num(11),
            avg_heart_rate: f.num(16),
            max_heart_rate: f.num(17),
            avg_power: f.num(20),
            max_power: f.num(21),
            normalized_power: f.num(34),
            avg_cadence: f.num(18),
            avg_speed: f.scaled(124, 1000.0, 0.0).or_else(|| f.scaled(14, 1000.0, 0.0)),
            max_speed: f.scaled(125, 1000.0, 0.0).or_else(|| f.scaled(15, 1000.0, 0.0)),
            pool_length: f.scaled(44, 100.0, 0.0),
        }),
        _ => return None,
    })
}
