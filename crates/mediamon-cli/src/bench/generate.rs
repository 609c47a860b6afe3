//! Generated news pages for `mediamon bench ingest`: a story about invented
//! and real actors in the region, in page furniture (menus, a language
//! picker, share buttons, related headlines, a footer), with exact and near
//! duplicates among them. Deterministic for a seed; no text from anywhere.

const GIVEN: &[&str] = &[
    "Ahmad", "Farid", "Hamid", "Karim", "Nasir", "Rahim", "Samir", "Tariq", "Wahid", "Zahir",
    "Mariam", "Farida", "Nadia", "Shabnam", "Zarmina", "Habiba", "Laila", "Roya", "Sima",
    "Tahmina",
];
const FAMILY: &[&str] = &[
    "Noori",
    "Zadran",
    "Sadat",
    "Shinwari",
    "Yousafzai",
    "Khpalwak",
    "Saqib",
    "Rahimi",
    "Karimi",
    "Hakimi",
    "Mohammadi",
    "Popal",
    "Wardak",
    "Amiri",
    "Stanekzai",
    "Barakzai",
    "Durrani",
    "Safi",
    "Jalali",
    "Nazari",
];
const KNOWN: &[&str] = &[
    "Amir Khan Muttaqi",
    "Mottaki",
    "Ahmad Massoud",
    "Zabihullah Mujahid",
    "Zalmay Khalilzad",
    "Abdul Qahar Balkhi",
];
const ORGS: &[&str] = &[
    "the National Resistance Front",
    "the NRF",
    "the Taliban",
    "the foreign ministry",
    "the United Nations",
    "the provincial council",
    "the chamber of commerce",
];
const PLACES: &[&str] = &[
    "Kabul",
    "Peshawar",
    "Herat",
    "Kandahar",
    "Panjshir",
    "Islamabad",
    "Tehran",
    "Doha",
    "Quetta",
    "Mazar-i-Sharif",
    "Jalalabad",
    "Dushanbe",
];
const ROLES: &[&str] = &[
    "spokesman",
    "deputy minister",
    "governor",
    "head",
    "envoy",
    "commander",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }

    fn person(&mut self) -> String {
        if self.next().is_multiple_of(4) {
            self.pick(KNOWN).to_string()
        } else {
            format!("{} {}", self.pick(GIVEN), self.pick(FAMILY))
        }
    }
}

fn sentence(r: &mut Rng, n: usize) -> String {
    let (a, b, o, l) = (r.person(), r.person(), r.pick(ORGS), r.pick(PLACES));
    match r.next() % 6 {
        0 => format!(
            "{a}, the {} of {o}, met {b} in {l} on {}, officials said.",
            r.pick(ROLES),
            r.pick(DAYS)
        ),
        1 => format!(
            "A statement from {o} said {a} had arrived in {l} for talks with {b}, the {n}th such meeting this year."
        ),
        2 => format!(
            "Speaking to reporters in {l}, {a} said the talks would continue, although {b} has not confirmed them."
        ),
        3 => format!("{b} denied the report, according to a spokesman for {o} in {l}."),
        4 => format!(
            "Traders in {l} said prices had risen by {} percent since the crossing closed, and {a} called for it to reopen.",
            5 + r.next() % 40
        ),
        _ => format!(
            "{a} told a gathering of elders in {l} that {o} would consider the request of {b} within {} days.",
            2 + r.next() % 12
        ),
    }
}

fn page(r: &mut Rng, n: usize) -> String {
    let headline = format!(
        "{} meets {} in {} as talks enter day {}",
        r.person(),
        r.person(),
        r.pick(PLACES),
        n
    );
    let paragraphs: Vec<String> = (0..6 + r.next() % 4)
        .map(|_| {
            let k = 2 + r.next() % 2;
            (0..k).map(|_| sentence(r, n)).collect::<Vec<_>>().join(" ")
        })
        .collect();
    let related: Vec<String> = (0..4)
        .map(|_| {
            format!(
                "<li><a href=\"/news/{}\">{} visits {}</a></li>",
                r.next() % 10_000,
                r.person(),
                r.pick(PLACES)
            )
        })
        .collect();
    let day = 1 + n % 28;
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{headline} | Frontier Wire</title>\
         <meta property=\"og:title\" content=\"{headline}\">\
         <meta property=\"og:site_name\" content=\"Frontier Wire\">\
         <meta property=\"article:published_time\" content=\"2025-02-{day:02}T08:00:00+05:00\">\
         <script>window.analytics = {{id: {n}}};</script><style>nav a {{ color: red; }}</style></head>\
         <body><nav class=\"menu\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World</a></li>\
         <li><a href=\"/business\">Business</a></li><li><a href=\"/sport\">Sport</a></li></ul></nav>\
         <div class=\"lang-picker\"><a href=\"/fa\">فارسی</a> <a href=\"/ps\">پښتو</a> <a href=\"/ru\">Русский</a></div>\
         <main><article class=\"story\"><h1>{headline}</h1>\
         <div class=\"share-buttons\"><a href=\"#\">Share on Facebook</a> <a href=\"#\">Tweet</a></div>\
         {}</article>\
         <aside class=\"related\"><h2>Related Articles</h2><ul>{}</ul></aside></main>\
         <footer><p>© 2025 Frontier Wire. All rights reserved.</p></footer></body></html>",
        paragraphs
            .iter()
            .map(|p| format!("<p>{p}</p>"))
            .collect::<String>(),
        related.concat()
    )
}

/// `n` pages: one in twenty re-sends an earlier page unchanged (an exact
/// duplicate), one in twenty an earlier story under an agency credit (a
/// near duplicate).
pub fn pages(n: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut r = Rng(seed | 1);
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(n);
    for i in 0..n {
        let earlier = (i > 20).then(|| (r.next() % i as u64) as usize);
        let page = match (i % 20, earlier) {
            (7, Some(j)) => out[j].clone(),
            (17, Some(j)) => String::from_utf8_lossy(&out[j])
                .replace(
                    "</article>",
                    "<p>This report was distributed by a regional news agency.</p></article>",
                )
                .into_bytes(),
            _ => page(&mut r, i).into_bytes(),
        };
        out.push(page);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_extract_to_stories_with_names_and_repeat_on_purpose() {
        let pages = pages(60, 7);
        assert_eq!(pages, super::pages(60, 7), "deterministic");
        let article = mediamon_extract::from_html(&pages[3], &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!article.body.contains("Share on Facebook"));
        assert!(!article.body.contains("Related Articles"));
        assert!(article.body.split("\n\n").count() >= 6, "{}", article.body);
        assert_eq!(
            pages[47],
            pages
                .iter()
                .take(47)
                .find(|p| **p == pages[47])
                .cloned()
                .unwrap_or_default()
        );
    }
}
