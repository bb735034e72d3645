//! Fields of the embedded index and how a document fills them.

use crate::domain::{text, AuctionDoc};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::TantivyDocument;

pub const TOKENIZER: &str = "auction_text";

#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    pub id: Field,
    pub title: Field,
    pub description: Field,
    pub category: Field,
    pub status: Field,
    pub price: Field,
    pub ending: Field,
    pub listed: Field,
    pub has_words: Field,
    pub stored: Field,
}

impl Default for Fields {
    fn default() -> Self {
        Self::new()
    }
}

impl Fields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let words = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let id = b.add_text_field("id", STRING);
        let title = b.add_text_field("title", words.clone());
        let description = b.add_text_field("description", words);
        let category = b.add_text_field("category", STRING | FAST);
        let status = b.add_text_field("status", STRING | FAST);
        let price = b.add_i64_field("price", INDEXED | FAST);
        let ending = b.add_i64_field("ending", FAST);
        let listed = b.add_i64_field("listed", FAST);
        let has_words = b.add_u64_field("has_words", INDEXED);
        let stored = b.add_text_field("doc", STORED);
        Self {
            schema: b.build(),
            id,
            title,
            description,
            category,
            status,
            price,
            ending,
            listed,
            has_words,
            stored,
        }
    }

    pub fn document(&self, doc: &AuctionDoc) -> anyhow::Result<TantivyDocument> {
        let mut d = TantivyDocument::new();
        d.add_text(self.id, doc.id.to_string());
        d.add_text(self.title, doc.title());
        d.add_text(self.description, doc.description());
        d.add_text(self.category, doc.category());
        d.add_text(self.status, doc.status().as_str());
        d.add_i64(self.price, doc.current_price().get());
        d.add_i64(self.ending, doc.ending_key());
        d.add_i64(self.listed, doc.listed_micros());
        d.add_u64(self.has_words, u64::from(doc.listing.is_some()));
        d.add_text(self.stored, serde_json::to_string(doc)?);
        Ok(d)
    }
}

/// [`text::terms`] as a tantivy tokenizer.
#[derive(Clone, Default)]
pub struct AuctionTextTokenizer;

pub struct Terms {
    tokens: Vec<Token>,
    at: usize,
}

impl Tokenizer for AuctionTextTokenizer {
    type TokenStream<'a> = Terms;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms {
        let tokens = text::terms(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        Terms { tokens, at: 0 }
    }
}

impl TokenStream for Terms {
    fn advance(&mut self) -> bool {
        self.at += 1;
        self.at <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}
