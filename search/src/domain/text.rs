//! How the embedded index cuts Korean and English text into terms, the same for documents
//! and queries: Latin/digit runs become lowercase words; Hangul, Han and Kana runs become
//! overlapping bigrams (a one-character run stays a unigram), so `나이키` (나이, 이키)
//! matches inside `나이키 에어포스`. Positions are consecutive, so phrases work too.

/// One term with its position and byte range in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF
        | 0xF900..=0xFAFF)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Word,
    Cjk,
    Other,
}

fn kind(c: char) -> Kind {
    if is_cjk(c) {
        Kind::Cjk
    } else if c.is_alphanumeric() {
        Kind::Word
    } else {
        Kind::Other
    }
}

pub fn terms(text: &str) -> Vec<Term> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let k = kind(chars[i].1);
        let start = i;
        while i < chars.len() && kind(chars[i].1) == k {
            i += 1;
        }
        let run = &chars[start..i];
        let end_of = |j: usize| chars.get(j).map_or(text.len(), |c| c.0);
        match k {
            Kind::Other => {}
            Kind::Word => out.push(Term {
                text: run.iter().flat_map(|c| c.1.to_lowercase()).collect(),
                position: out.len(),
                from: run[0].0,
                to: end_of(i),
            }),
            Kind::Cjk if run.len() == 1 => out.push(Term {
                text: run[0].1.to_string(),
                position: out.len(),
                from: run[0].0,
                to: end_of(i),
            }),
            Kind::Cjk => {
                for j in 0..run.len() - 1 {
                    out.push(Term {
                        text: [run[j].1, run[j + 1].1].iter().collect(),
                        position: out.len(),
                        from: run[j].0,
                        to: end_of(start + j + 2),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn korean_becomes_bigrams_and_latin_lowercase_words() {
        assert_eq!(
            words("나이키 에어포스 1 한정판"),
            ["나이", "이키", "에어", "어포", "포스", "1", "한정", "정판"]
        );
        assert_eq!(words("Nike Air-Force"), ["nike", "air", "force"]);
        assert_eq!(words("책 Book"), ["책", "book"]);
        assert_eq!(words("나이키Air"), ["나이", "이키", "air"]);
    }

    #[test]
    fn positions_are_consecutive_and_ranges_point_into_the_text() {
        let text = "Air 나이키";
        let ts = terms(text);
        assert_eq!(ts.iter().map(|t| t.position).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(&text[ts[2].from..ts[2].to], "이키");
    }
}
