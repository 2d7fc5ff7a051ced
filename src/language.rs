//! The language of a document and what it means for content terms.
//!
//! Detection uses `whatlang` (trigram profiles of 69 languages, no model
//! files, microseconds per document) on the first [`DETECT_BYTES`] of the
//! text: enough for a stable answer on prose, and a bounded cost on long
//! documents. A run can force one language for every document instead.
//!
//! Each language has a [`Profile`]: its stopwords (the ISO lists of the
//! `stop-words` crate, normalized like the text; English keeps the short list
//! the rewrite tier was tuned with) and, where `rust-stemmers` has one, its
//! Snowball stemmer. Scripts written without spaces are cut into characters
//! by [`crate::normalize`]; their single-character stopwords (的, の, ...)
//! apply as they are.

use crate::units::Stopwords;
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Bytes of a document's start that detection reads.
pub const DETECT_BYTES: usize = 2048;

/// The code of an undetermined language (ISO 639-2 `und`): numbers only,
/// too little text, or a script whatlang does not know. Such documents get
/// the English profile, what every document got before languages were told
/// apart.
pub const UNDETERMINED: &str = "und";

/// A document's language as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentLanguage {
    /// ISO 639-1 code where the language has one (`de`, `ur`, `zh`), else
    /// ISO 639-3; `und` when undetermined.
    pub code: String,
    /// The detector's confidence, 0 to 1 (1 when forced).
    pub confidence: f64,
    /// True when set by `--language` rather than detected.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

impl Default for DocumentLanguage {
    fn default() -> Self {
        DocumentLanguage {
            code: UNDETERMINED.to_string(),
            confidence: 0.0,
            forced: false,
        }
    }
}

/// whatlang's languages: its ISO 639-3 code, the ISO 639-1 code used here
/// (the `stop-words` key), and the Snowball stemmer if `rust-stemmers` has
/// one.
const LANGUAGES: &[(whatlang::Lang, &str, Option<Algorithm>)] = {
    use whatlang::Lang::*;
    use Algorithm as A;
    &[
        (Afr, "af", None),
        (Aka, "ak", None),
        (Amh, "am", None),
        (Ara, "ar", Some(A::Arabic)),
        (Aze, "az", None),
        (Bel, "be", None),
        (Ben, "bn", None),
        (Bul, "bg", None),
        (Cat, "ca", None),
        (Ces, "cs", None),
        (Cmn, "zh", None),
        (Cym, "cy", None),
        (Dan, "da", Some(A::Danish)),
        (Deu, "de", Some(A::German)),
        (Ell, "el", Some(A::Greek)),
        (Eng, "en", Some(A::English)),
        (Epo, "eo", None),
        (Est, "et", None),
        (Fin, "fi", Some(A::Finnish)),
        (Fra, "fr", Some(A::French)),
        (Guj, "gu", None),
        (Heb, "he", None),
        (Hin, "hi", None),
        (Hrv, "hr", None),
        (Hun, "hu", Some(A::Hungarian)),
        (Hye, "hy", None),
        (Ind, "id", None),
        (Ita, "it", Some(A::Italian)),
        (Jav, "jv", None),
        (Jpn, "ja", None),
        (Kan, "kn", None),
        (Kat, "ka", None),
        (Khm, "km", None),
        (Kor, "ko", None),
        (Lat, "la", None),
        (Lav, "lv", None),
        (Lit, "lt", None),
        (Mal, "ml", None),
        (Mar, "mr", None),
        (Mkd, "mk", None),
        (Mya, "my", None),
        (Nep, "ne", None),
        (Nld, "nl", Some(A::Dutch)),
        (Nob, "nb", Some(A::Norwegian)),
        (Ori, "or", None),
        (Pan, "pa", None),
        (Pes, "fa", None),
        (Pol, "pl", None),
        (Por, "pt", Some(A::Portuguese)),
        (Ron, "ro", Some(A::Romanian)),
        (Rus, "ru", Some(A::Russian)),
        (Sin, "si", None),
        (Slk, "sk", None),
        (Slv, "sl", None),
        (Sna, "sn", None),
        (Spa, "es", Some(A::Spanish)),
        (Srp, "sr", None),
        (Swe, "sv", Some(A::Swedish)),
        (Tam, "ta", Some(A::Tamil)),
        (Tel, "te", None),
        (Tgl, "tl", None),
        (Tha, "th", None),
        (Tuk, "tk", None),
        (Tur, "tr", Some(A::Turkish)),
        (Ukr, "uk", None),
        (Urd, "ur", None),
        (Uzb, "uz", None),
        (Vie, "vi", None),
        (Yid, "yi", None),
        (Zul, "zu", None),
    ]
};

/// Frequent Urdu function words missing from the ISO Urdu list (which has
/// کے and ہے but not the postpositions میں، نے، سے، کا، کو): without them
/// two unrelated Urdu texts share "content" bigrams of grammar alone.
const URDU_EXTRA: &[&str] = &[
    "میں", "نے", "سے", "کا", "کو", "پر", "تھا", "تھی", "تھے", "ہیں", "ہوا", "ہوئی", "ہوئے", "گیا",
    "گئی", "گئے", "بھی", "جو", "کہ", "ایک", "اس", "ان", "وہ", "لیے", "لئے", "ساتھ", "بعد", "طرف",
    "جس", "جن", "کر", "کیا", "کی", "ہو", "رہا", "رہی", "والے", "والی", "والا",
];

/// How content terms are made in one language.
pub struct Profile {
    /// The language code ([`DocumentLanguage::code`]).
    pub code: &'static str,
    /// Normalized stopwords (empty for English, which uses
    /// [`crate::units::is_stopword`]).
    stopwords: Stopwords,
    /// The Snowball stemmer, if the language has one.
    stemmer: Option<Stemmer>,
    /// English: the built-in stopword list, and stemming of ASCII words only
    /// (what the rewrite tier was tuned with).
    english: bool,
}

impl Profile {
    fn build(code: &'static str, algorithm: Option<Algorithm>) -> Profile {
        let english = code == "en";
        let list_key = if code == "nb" { "no" } else { code };
        let stopwords: Vec<String> = if english {
            Vec::new()
        } else {
            let extra: &[&str] = if code == "ur" { URDU_EXTRA } else { &[] };
            stop_words::lookup(list_key)
                .unwrap_or(&[])
                .iter()
                .chain(extra)
                // Numbers are facts (the ISO Spanish list holds the digits).
                .filter(|w| !w.chars().any(|c| c.is_numeric()))
                .map(|w| w.nfkc().collect::<String>().to_lowercase())
                .collect()
        };
        Profile {
            code,
            stopwords: Stopwords::new(stopwords.iter().map(String::as_str)),
            stemmer: algorithm.map(Stemmer::create),
            english,
        }
    }

    /// True for a normalized word that carries no content in this language.
    pub fn is_stopword(&self, word: &str) -> bool {
        if self.english {
            crate::units::is_stopword(word)
        } else {
            self.stopwords.contains(word)
        }
    }

    /// The stem of a normalized content word: Snowball where the language
    /// has a stemmer (for English only all-ASCII lowercase words, as before),
    /// the word itself elsewhere and for words with digits.
    pub fn stem<'a>(&self, word: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.stemmer {
            Some(s) if self.english => {
                if word.bytes().all(|b| b.is_ascii_lowercase()) {
                    s.stem(word)
                } else {
                    std::borrow::Cow::Borrowed(word)
                }
            }
            Some(s) if !word.chars().any(|c| c.is_numeric()) => s.stem(word),
            _ => std::borrow::Cow::Borrowed(word),
        }
    }

    /// A number that tells this profile's terms apart in the per-thread memo
    /// of content terms (in memory only).
    pub fn memo_salt(&self) -> u64 {
        if self.english {
            0
        } else {
            crate::hash::stable_hash(self.code.as_bytes(), 0x6c61_6e67)
        }
    }
}

/// The profile of a language code (ISO 639-1 or 639-3); the English profile
/// for `und` and codes whatlang does not know. Built once per language.
pub fn profile(code: &str) -> &'static Profile {
    static PROFILES: OnceLock<Vec<OnceLock<Profile>>> = OnceLock::new();
    let all = PROFILES.get_or_init(|| LANGUAGES.iter().map(|_| OnceLock::new()).collect());
    const ENGLISH: usize = 15;
    let i = if code == "en" {
        ENGLISH
    } else {
        index_of(code).unwrap_or(ENGLISH)
    };
    all[i].get_or_init(|| Profile::build(LANGUAGES[i].1, LANGUAGES[i].2))
}

fn index_of(code: &str) -> Option<usize> {
    LANGUAGES
        .iter()
        .position(|(lang, iso1, _)| *iso1 == code || lang.code() == code)
}

/// A language forced on every document (`--language`), as a small copyable
/// value; serialized as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LanguageCode(u16);

impl LanguageCode {
    /// The language of a code (ISO 639-1 or 639-3), `None` if unknown.
    pub fn parse(code: &str) -> Option<Self> {
        let canonical = canonical_code(code)?;
        Some(LanguageCode(language_id(canonical)))
    }

    /// Its canonical code (`und` for the undetermined language).
    pub fn code(self) -> &'static str {
        LANGUAGES.get(self.0 as usize).map_or(UNDETERMINED, |l| l.1)
    }
}

impl Serialize for LanguageCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for LanguageCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        LanguageCode::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language {code}")))
    }
}

/// A small number for a language code (its place in whatlang's list;
/// `u16::MAX` for `und` and unknown codes), to count documents per language.
pub fn language_id(code: &str) -> u16 {
    index_of(code).map_or(u16::MAX, |i| i as u16)
}

/// The ISO 639-1 (else 639-3) code of a language given as either, or `None`
/// for a code whatlang does not know (`--language` checks with this).
pub fn canonical_code(code: &str) -> Option<&'static str> {
    let code = code.trim().to_ascii_lowercase();
    if code == UNDETERMINED {
        return Some(UNDETERMINED);
    }
    index_of(&code).map(|i| LANGUAGES[i].1)
}

/// Words of the English function-word test ([`english_share`]).
const SAMPLE_WORDS: usize = 100;

/// Share of English function words from which a text is English without
/// asking whatlang. English prose runs at 40-50% on the built-in list;
/// German, Spanish or French text at a few percent (the short-word method of
/// Grefenstette, "Comparing two language identification schemes", 1995).
const ENGLISH_SHARE: f64 = 0.3;

/// The share of English function words among the first [`SAMPLE_WORDS`]
/// all-ASCII words of `sample`, or `None` under 20 such words. Cheap: a
/// byte scan and a binary search per word, where whatlang scores some forty
/// trigram profiles for any Latin-script text (a few hundred microseconds
/// per document).
fn english_share(sample: &str) -> Option<f64> {
    let (mut words, mut function_words) = (0usize, 0usize);
    // The word being read, lowercased (function words are short: a longer
    // word is only counted).
    let mut word = [0u8; 16];
    let (mut len, mut ascii, mut inside) = (0usize, true, false);
    for &b in sample.as_bytes().iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80 {
            inside = true;
            ascii &= b < 0x80;
            if len < word.len() {
                word[len] = b.to_ascii_lowercase();
            }
            len += 1;
            continue;
        }
        if inside && ascii {
            words += 1;
            if len <= word.len() {
                let w = std::str::from_utf8(&word[..len]).unwrap_or("");
                function_words += crate::units::is_stopword(w) as usize;
            }
            if words == SAMPLE_WORDS {
                break;
            }
        }
        (len, ascii, inside) = (0, true, false);
    }
    (words >= 20).then(|| function_words as f64 / words as f64)
}

/// Detects the language of `text` from its first [`DETECT_BYTES`]: English
/// when its function words say so (the confidence then rises from 0.5 at
/// the bar to 1 at twice it), else whatlang's answer and confidence.
pub fn detect(text: &str) -> DocumentLanguage {
    let mut end = text.len().min(DETECT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if let Some(share) = english_share(&text[..end]).filter(|&s| s >= ENGLISH_SHARE) {
        return DocumentLanguage {
            code: "en".to_string(),
            confidence: (share / (2.0 * ENGLISH_SHARE)).min(1.0),
            forced: false,
        };
    }
    match whatlang::detect(&text[..end]) {
        Some(info) => DocumentLanguage {
            code: index_of(info.lang().code())
                .map_or(info.lang().code(), |i| LANGUAGES[i].1)
                .to_string(),
            // Rounded so that reports are stable across platforms' float
            // formatting.
            confidence: (info.confidence() * 1e4).round() / 1e4,
            forced: false,
        },
        None => DocumentLanguage::default(),
    }
}

/// The language of `text`: `forced` (a canonical code) if given, else
/// detected.
pub fn language_of(text: &str, forced: Option<&str>) -> DocumentLanguage {
    match forced {
        Some(code) => DocumentLanguage {
            code: code.to_string(),
            confidence: 1.0,
            forced: true,
        },
        None => detect(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_languages_are_told_apart() {
        let samples = [
            ("de", "Die Stadt liegt an der Donau und hat eine schöne Altstadt mit vielen Kirchen."),
            ("es", "La ciudad fue conquistada por el rey y vivió su época de máximo esplendor en el siglo."),
            ("ru", "Город был основан князем на берегу реки и стал крупным торговым центром."),
            ("ur", "لاہور پاکستان کا دوسرا بڑا شہر ہے اور یہ دریائے راوی کے کنارے واقع ہے۔"),
            ("hi", "वाराणसी गंगा नदी के तट पर स्थित एक प्राचीन और ऐतिहासिक शहर है।"),
            ("zh", "苏州位于江苏省南部,长江三角洲中部,拥有得天独厚的地理环境。"),
            ("en", "The ministers met in the capital and signed agreements on transport."),
        ];
        let english = "The ministers met in the capital and signed agreements on transport. \
                       They said that the new line would be built by the end of the year, \
                       and that it would carry both passengers and freight to the coast.";
        assert_eq!(detect(english).code, "en");
        assert!(english_share(english).unwrap() >= ENGLISH_SHARE);
        let german = "Die Minister trafen sich in der Hauptstadt und unterzeichneten Abkommen \
                      über den Verkehr. Sie sagten, dass die neue Linie bis zum Ende des Jahres \
                      gebaut werde und Personen und Güter an die Küste bringen solle.";
        assert!(english_share(german).unwrap() < ENGLISH_SHARE);
        assert_eq!(detect(german).code, "de");
        for (code, text) in samples {
            assert_eq!(detect(text).code, code, "{text}");
        }
        assert_eq!(detect("1234 5678").code, UNDETERMINED);
    }

    #[test]
    fn function_words_are_stopwords_in_each_language() {
        for (code, word) in [
            ("de", "und"),
            ("es", "los"),
            ("ru", "было"),
            ("ur", "میں"),
            ("ur", "کے"),
            ("hi", "में"),
            ("zh", "的"),
            ("en", "the"),
        ] {
            assert!(profile(code).is_stopword(word), "{code} {word}");
        }
        assert!(!profile("es").is_stopword("5"), "numbers are content");
        assert!(!profile("de").is_stopword("donau"));
    }

    #[test]
    fn stemming_where_snowball_has_the_language() {
        assert_eq!(profile("de").stem("kirchen"), profile("de").stem("kirche"));
        assert_eq!(profile("ru").stem("городами"), profile("ru").stem("города"));
        assert_eq!(profile("hi").stem("शहरों"), "शहरों", "no Hindi stemmer");
        assert_eq!(
            profile("en").stem("Agreements"),
            "Agreements",
            "English: ASCII lowercase only"
        );
    }

    #[test]
    fn codes_are_canonical() {
        assert_eq!(
            LANGUAGES[15].1, "en",
            "profile() takes English's place as known"
        );
        assert_eq!(canonical_code("DEU"), Some("de"));
        assert_eq!(canonical_code("ur"), Some("ur"));
        assert_eq!(canonical_code("cmn"), Some("zh"));
        assert_eq!(canonical_code("xx"), None);
        assert_eq!(profile("und").code, "en");
    }
}
