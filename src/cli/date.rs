//! `--since` and `--until` as git users write them: `yesterday`, `3 days ago`,
//! `2.weeks.ago`, `now`, `2025-01-20`, `2025-01-20 12:00`, RFC 3339 timestamps. Relative
//! dates count back from the clock the caller passes (the binary passes the system
//! clock); dates without an offset are UTC. Impossible dates (`2022-02-31`, `25:00`)
//! and words it cannot read are refused, never guessed at.

use super::hinted::Hinted;

/// The forms a date may take, for the hint under a refusal.
pub const DATE_FORMS: &str = "dates are `2025-01-20`, `2025-01-20 12:00`, \
    `2025-01-20T12:00:00Z` (or with an offset such as `+02:00`; UTC without one), \
    `now`, `today`, `yesterday`, `3 days ago`, `2 weeks ago`, `6 months ago`";

const DAY: i64 = 86_400;

/// `text` as unix seconds; `now` is the current time in unix seconds. The error names
/// `flag` and the value.
pub fn parse_date(flag: &str, text: &str, now: i64) -> Result<i64, Hinted> {
    read(text.trim(), now)
        .map_err(|reason| Hinted::new(format!("{flag} `{text}`: {reason}"), DATE_FORMS))
}

fn read(text: &str, now: i64) -> Result<i64, String> {
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "now" => return Ok(now),
        "today" | "midnight" => return Ok(now.div_euclid(DAY) * DAY),
        "yesterday" => return Ok(now - DAY),
        _ => {}
    }
    if let Some(ago) = relative(&lower, now) {
        return ago;
    }
    if !text.starts_with(|ch: char| ch.is_ascii_digit()) {
        return Err("not a date briefdiff can read".into());
    }
    absolute(text)
}

/// The last year a date may name (dates are written with four-digit years); it keeps
/// every calendar computation far inside `i64`.
const MAX_YEAR: i64 = 9999;

/// `3 days ago`, `2.weeks.ago`, `an hour ago`; `None` when `text` is not of that shape.
fn relative(text: &str, now: i64) -> Option<Result<i64, String>> {
    let words: Vec<&str> = text
        .split(|ch: char| ch.is_whitespace() || ch == '.')
        .filter(|word| !word.is_empty())
        .collect();
    let [count, unit, "ago"] = words[..] else {
        return None;
    };
    let count: i64 = match count {
        "a" | "an" | "one" => 1,
        digits => match digits.parse() {
            Ok(count) => count,
            Err(_) => return Some(Err(format!("`{digits}` is not a number"))),
        },
    };
    // Months are counted on the calendar, whose arithmetic past this would overflow; no
    // date goes back further. Seconds to weeks saturate.
    let too_far = |months: i64| {
        Some(Err(format!(
            "`{text}` goes back {months} months, further than any date (the year 1)"
        )))
    };
    let seconds = match unit.trim_end_matches('s') {
        "second" | "sec" => 1,
        "minute" | "min" => 60,
        "hour" => 3_600,
        "day" => DAY,
        "week" => 7 * DAY,
        "month" | "year" => {
            let months = if unit.starts_with("year") {
                count.saturating_mul(12)
            } else {
                count
            };
            if months > MAX_YEAR * 12 {
                return too_far(months);
            }
            return Some(Ok(months_before(now, months)));
        }
        _ => return Some(Err(format!("`{unit}` is not a unit of time"))),
    };
    Some(Ok(now.saturating_sub(count.saturating_mul(seconds))))
}

/// The same day of the month and time of day, `months` calendar months earlier (the
/// day clamped to the month's length: a month before 31 March is 28 or 29 February).
fn months_before(now: i64, months: i64) -> i64 {
    let (days, time) = (now.div_euclid(DAY), now.rem_euclid(DAY));
    let (year, month, day) = civil_from_days(days);
    let index = year * 12 + (month - 1) - months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let day = day.min(days_in_month(year, month));
    days_from_civil(year, month, day) * DAY + time
}

/// `2025-01-20`, `2025-01-20 12:00`, `2025-01-20T12:00:00.5+02:00` …
fn absolute(text: &str) -> Result<i64, String> {
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let fields: Vec<&str> = date.split('-').collect();
    let [year, month, day] = fields[..] else {
        return Err("not a date like 2025-01-20".into());
    };
    let number = |field: &str, what: &str| {
        if field.is_empty() || !field.bytes().all(|b| b.is_ascii_digit()) {
            Err(format!("`{field}` is not a {what}"))
        } else {
            field
                .parse::<i64>()
                .map_err(|_| format!("`{field}` is not a {what}"))
        }
    };
    let (year, month, day) = (
        number(year, "year")?,
        number(month, "month")?,
        number(day, "day")?,
    );
    if !(1..=MAX_YEAR).contains(&year) {
        return Err(format!("there is no year {year} (years 1 to {MAX_YEAR})"));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month}"));
    }
    let length = days_in_month(year, month);
    if !(1..=length).contains(&day) {
        return Err(format!(
            "{} {year} has {length} days",
            MONTHS[(month - 1) as usize]
        ));
    }
    let mut seconds = days_from_civil(year, month, day) * DAY;
    if let Some(time) = time {
        seconds += time_of_day(time)?;
    }
    Ok(seconds)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `12:00`, `12:00:30`, `12:00:30.25Z`, `12:00+02:00` as seconds after midnight UTC
/// (negative or past a day when the offset carries it over).
fn time_of_day(text: &str) -> Result<i64, String> {
    let (clock, offset) = split_offset(text)?;
    // Fractions of a second do not move a commit date.
    let clock = clock.split_once('.').map_or(clock, |(whole, _)| whole);
    let fields: Vec<&str> = clock.split(':').collect();
    let (hour, minute, second) = match fields[..] {
        [hour, minute] => (hour, minute, "0"),
        [hour, minute, second] => (hour, minute, second),
        _ => return Err(format!("`{text}` is not a time like 12:00 or 12:00:00")),
    };
    let field = |value: &str, most: i64, what: &str| match value.parse::<i64>() {
        Ok(number) if value.len() <= 2 && (0..=most).contains(&number) => Ok(number),
        _ => Err(format!("`{value}` is not {what}")),
    };
    let hour = field(hour, 23, "an hour (0 to 23)")?;
    let minute = field(minute, 59, "a minute (0 to 59)")?;
    // 60 is a leap second.
    let second = field(second, 60, "a second (0 to 60)")?;
    Ok(hour * 3_600 + minute * 60 + second - offset)
}

/// Splits `12:00:00+02:00` into the clock and the offset east of UTC in seconds.
fn split_offset(text: &str) -> Result<(&str, i64), String> {
    if let Some(clock) = text.strip_suffix(['Z', 'z']) {
        return Ok((clock, 0));
    }
    let Some(at) = text.rfind(['+', '-']) else {
        return Ok((text, 0));
    };
    let (clock, offset) = (&text[..at], &text[at..]);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let digits: String = offset[1..].chars().filter(|ch| *ch != ':').collect();
    let (hours, minutes) = match (digits.len(), digits.bytes().all(|b| b.is_ascii_digit())) {
        (2, true) => (&digits[..2], "0"),
        (4, true) => (&digits[..2], &digits[2..]),
        _ => return Err(format!("`{offset}` is not an offset like +02:00")),
    };
    let (hours, minutes): (i64, i64) = (
        hours
            .parse()
            .map_err(|_| format!("`{offset}` is not an offset"))?,
        minutes
            .parse()
            .map_err(|_| format!("`{offset}` is not an offset"))?,
    );
    if hours > 23 || minutes > 59 {
        return Err(format!("`{offset}` is not an offset like +02:00"));
    }
    Ok((clock.trim(), sign * (hours * 3_600 + minutes * 60)))
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-03-31 12:34:56 UTC.
    const NOW: i64 = 1_743_424_496;

    fn date(text: &str) -> Result<i64, String> {
        read(text, NOW)
    }

    #[test]
    fn absolute_dates_are_utc_unless_an_offset_says_otherwise() {
        assert_eq!(date("1970-01-01"), Ok(0));
        assert_eq!(date("2022-05-17T16:59:53Z"), Ok(1_652_806_793));
        assert_eq!(date("2022-05-17 16:59"), Ok(1_652_806_740));
        assert_eq!(date("2022-05-17T18:59:53+02:00"), Ok(1_652_806_793));
        assert_eq!(date("2022-05-17T11:59:53.250-0500"), Ok(1_652_806_793));
        assert_eq!(date("2024-02-29"), Ok(1_709_164_800));
    }

    #[test]
    fn relative_dates_count_back_from_now() {
        assert_eq!(date("now"), Ok(NOW));
        assert_eq!(date("yesterday"), Ok(NOW - DAY));
        assert_eq!(date("today"), Ok(1_743_379_200));
        assert_eq!(date("3 days ago"), Ok(NOW - 3 * DAY));
        assert_eq!(date("2.weeks.ago"), Ok(NOW - 14 * DAY));
        assert_eq!(date("an hour ago"), Ok(NOW - 3_600));
        assert_eq!(date("1 Week Ago"), Ok(NOW - 7 * DAY));
        // A month before 31 March is the last day of February.
        assert_eq!(date("1 month ago"), date("2025-02-28 12:34:56"));
        assert_eq!(date("2 years ago"), date("2023-03-31 12:34:56"));
    }

    #[test]
    fn impossible_dates_and_unknown_words_are_refused() {
        assert_eq!(
            date("2022-02-31T99:99:99Z"),
            Err("February 2022 has 28 days".into())
        );
        assert_eq!(
            date("2022-02-28T99:00:00Z"),
            Err("`99` is not an hour (0 to 23)".into())
        );
        assert_eq!(date("2022-13-01"), Err("there is no month 13".into()));
        assert!(date("2023-02-29").is_err());
        assert!(date("2022-06-14T12:00:00+25:00").is_err());
        assert!(date("2022-06").is_err());
        assert!(date("yesterdayy").is_err());
        assert!(date("3 fortnights ago").is_err());
        assert!(date("").is_err());
        // Far past what a calendar holds: refused, never an overflow.
        assert_eq!(
            date("99999999999999999-01-01"),
            Err("there is no year 99999999999999999 (years 1 to 9999)".into())
        );
        assert!(date("0-01-01").is_err());
        assert!(date("9223372036854775807 months ago").is_err());
        assert!(date("9223372036854775807 years ago").is_err());
        assert!(date("9223372036854775807 seconds ago").is_ok());
        assert!(date("200000 seconds ago").is_ok());
        assert!(date("1000 years ago").is_ok());
    }

    #[test]
    fn refusals_name_the_flag_and_value() {
        let error = parse_date("--since", "soon", NOW).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--since `soon`: not a date briefdiff can read"
        );
        assert_eq!(error.hint(), DATE_FORMS);
    }

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000, -1, 0, 59, 60, 11_016, 20_000, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }
}
