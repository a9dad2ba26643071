//! Retail barcodes (GTIN): UPC-A (12 digits), EAN-13 and EAN-8, validated by
//! their check digit and normalized to the 13-digit form that
//! `foods_enhanced.barcode_ean` holds, so a UPC-A and its EAN-13 spelling
//! (the same digits behind a leading 0) find the same food.

use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Barcode {
    /// GTIN-13: EAN-13 as is, UPC-A with a leading 0, EAN-8 with five.
    pub ean13: String,
    /// The UPC-A form, when the code is one (an EAN-13 starting with 0 that is not an EAN-8).
    pub upc_a: Option<String>,
}

/// The GTIN check digit of the digits before it (weights 3, 1, 3… from the right).
fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 =
        body.iter().rev().enumerate().map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 }).sum();
    ((10 - sum % 10) % 10) as u8
}

/// Validates and normalizes a typed or scanned barcode. Spaces and dashes are ignored.
pub fn parse(input: &str) -> Result<Barcode> {
    let code: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.is_empty() {
        return Err(Error::invalid("the barcode is empty"));
    }
    if !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(format!("{input:?} is not a barcode: it should have digits only")));
    }
    let kind = match code.len() {
        8 => "EAN-8",
        12 => "UPC-A",
        13 => "EAN-13",
        n => {
            return Err(Error::invalid(format!(
                "{code} has {n} digits: a barcode has 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13)"
            )));
        }
    };
    let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
    let (body, given) = digits.split_at(digits.len() - 1);
    let expected = check_digit(body);
    if given[0] != expected {
        return Err(Error::invalid(format!(
            "{code} is not a valid {kind} barcode: its check digit should be {expected}, not {}",
            given[0]
        )));
    }
    let ean13 = format!("{code:0>13}");
    let upc_a = (code.len() != 8 && ean13.starts_with('0')).then(|| ean13[1..].to_string());
    Ok(Barcode { ean13, upc_a })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_known_codes() {
        assert_eq!(check_digit(&[3, 0, 1, 7, 6, 2, 0, 4, 2, 2, 0, 0]), 3);
        assert_eq!(check_digit(&[0, 3, 6, 0, 0, 0, 2, 9, 1, 4, 5]), 2);
        assert_eq!(check_digit(&[9, 6, 3, 8, 5, 0, 7]), 4);
    }

    #[test]
    fn wrong_lengths_and_letters_are_explained() {
        assert!(parse("12345").unwrap_err().to_string().contains("8 (EAN-8), 12 (UPC-A) or 13"));
        assert!(parse("30176204220O3").unwrap_err().to_string().contains("digits only"));
        assert!(parse("  ").is_err());
    }
}
