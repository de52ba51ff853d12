//! Commit times as calendar dates, and snapshot names as times, without a date-time
//! dependency for a few conversions.

use super::Side;

/// `2022-05-17 16:59 UTC` for a time in seconds since the epoch.
pub fn format_utc(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let seconds_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        seconds_of_day / 3_600,
        seconds_of_day % 3_600 / 60
    )
}

/// `YYYY-MM-DD` for a time in seconds since the epoch.
pub fn format_date(unix_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(86_400));
    format!("{year:04}-{month:02}-{day:02}")
}

/// `2022-05-17T16:59:53Z`: RFC 3339 in UTC, as Atom and SQLite readers expect.
pub fn format_rfc3339(unix_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(86_400));
    let seconds_of_day = unix_seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds_of_day / 3_600,
        seconds_of_day % 3_600 / 60,
        seconds_of_day % 60
    )
}

/// The time a snapshot's name gives, read as UTC: `2022-06-14`, `2022-06-14T16-55`,
/// `2022-06-14T16-55-30`, `2022-06-14T16:55:30Z` (a space or `_` for the `T` too).
/// `None` for any other name: snapshots are ordered by name, and a name need not be a
/// date.
pub fn snapshot_time(name: &str) -> Option<i64> {
    let bytes = name.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut rest = &bytes[10..];
    let mut seconds = 0;
    if let Some((&separator, time)) = rest.split_first()
        && matches!(separator, b'T' | b' ' | b'_')
    {
        let field = |at: usize| -> Option<i64> {
            let digits = time.get(at..at + 2)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(i64::from(digits[0] - b'0') * 10 + i64::from(digits[1] - b'0'))
        };
        let hour = field(0)?;
        if !matches!(time.get(2), Some(b'-' | b':')) {
            return None;
        }
        let minute = field(3)?;
        let mut used = 5;
        let mut second = 0;
        if matches!(time.get(5), Some(b'-' | b':')) {
            second = field(6)?;
            used = 8;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds = hour * 3_600 + minute * 60 + second;
        rest = &time[used..];
    }
    if !(rest.is_empty() || rest == b"Z") {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + seconds)
}

/// `2022-06`: the month of `time`, UTC, as the HTML index groups edits.
pub fn format_month(time: i64) -> String {
    format_utc(time)[..7].to_string()
}

/// A revision's time: the commit's, else the one its snapshot name gives.
pub fn revision_time(side: &Side) -> Option<i64> {
    side.time
        .or_else(|| side.revision.as_deref().and_then(snapshot_time))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: the day count of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_652_806_793), "2022-05-17 16:59 UTC");
        assert_eq!(format_date(951_782_400), "2000-02-29");
        assert_eq!(format_utc(-1), "1969-12-31 23:59 UTC");
        assert_eq!(format_rfc3339(1_652_806_793), "2022-05-17T16:59:53Z");
    }

    #[test]
    fn snapshot_names_that_are_dates_give_times() {
        assert_eq!(snapshot_time("2022-06-14T20-00"), Some(1_655_236_800));
        assert_eq!(snapshot_time("2022-06-14"), Some(1_655_164_800));
        assert_eq!(snapshot_time("2022-06-14T20:00:30Z"), Some(1_655_236_830));
        assert_eq!(snapshot_time("2000-02-29_00-01"), Some(951_782_460));
        for name in [
            "v1",
            "2022-13-01",
            "2022-02-30",
            "2022-06-14T25-00",
            "2022-06-14x",
        ] {
            assert_eq!(snapshot_time(name), None, "{name}");
        }
        for days in [-800_000, -1, 0, 19_000, 2_000_000] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(
                days_from_civil(year, i64::from(month), i64::from(day)),
                days
            );
        }
    }
}
