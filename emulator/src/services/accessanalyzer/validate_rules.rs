//! Policy text as a tree that remembers where each value was written, so
//! `ValidatePolicy` can point at it (`Location`: path + span, lines from 1, columns
//! and offsets from 0).

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Position {
    pub fn wire(&self) -> Value {
        json!({"line": self.line, "column": self.column, "offset": self.offset})
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub fn wire(&self) -> Value {
        json!({"start": self.start.wire(), "end": self.end.wire()})
    }
}

#[derive(Clone, Debug)]
pub enum Node {
    Object(Vec<(String, Node)>, Span),
    Array(Vec<Node>, Span),
    Scalar(Value, Span),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Object(_, s) | Node::Array(_, s) | Node::Scalar(_, s) => *s,
        }
    }

    /// The member `key` of an object (the last one written, as JSON parsers keep).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members, _) => {
                members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(Value::String(s), _) => Some(s),
            _ => None,
        }
    }

    /// The node as plain JSON.
    pub fn value(&self) -> Value {
        match self {
            Node::Object(members, _) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.value()))
                    .collect(),
            ),
            Node::Array(items, _) => Value::Array(items.iter().map(Node::value).collect()),
            Node::Scalar(v, _) => v.clone(),
        }
    }
}

/// Where the text stops being JSON: the position and serde's word for it.
pub struct SyntaxError {
    pub at: Position,
    pub message: String,
}

/// Parses `text` into a located tree, or says where it is not JSON.
pub fn parse_located(text: &str) -> Result<Node, SyntaxError> {
    if let Err(e) = serde_json::from_str::<Value>(text) {
        let line = e.line().max(1);
        let column = e.column().saturating_sub(1);
        let offset = text
            .split('\n')
            .take(line - 1)
            .map(|l| l.chars().count() + 1)
            .sum::<usize>()
            + column;
        return Err(SyntaxError {
            at: Position {
                line,
                column,
                offset,
            },
            message: e.to_string(),
        });
    }
    let chars: Vec<char> = text.chars().collect();
    let mut reader = Reader {
        chars: &chars,
        i: 0,
        line: 1,
        column: 0,
    };
    reader.skip_ws();
    Ok(reader.node())
}

struct Reader<'a> {
    chars: &'a [char],
    i: usize,
    line: usize,
    column: usize,
}

impl Reader<'_> {
    fn pos(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            offset: self.i,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// One value; the text is known to be valid JSON.
    fn node(&mut self) -> Node {
        let start = self.pos();
        match self.peek() {
            Some('{') => {
                self.bump();
                let mut members = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some('}') | None => {
                            self.bump();
                            break;
                        }
                        Some(',') => {
                            self.bump();
                        }
                        _ => {
                            let key = self.string();
                            self.skip_ws();
                            self.bump(); // ':'
                            self.skip_ws();
                            let value = self.node();
                            members.push((key, value));
                        }
                    }
                }
                Node::Object(
                    members,
                    Span {
                        start,
                        end: self.pos(),
                    },
                )
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(']') | None => {
                            self.bump();
                            break;
                        }
                        Some(',') => {
                            self.bump();
                        }
                        _ => items.push(self.node()),
                    }
                }
                Node::Array(
                    items,
                    Span {
                        start,
                        end: self.pos(),
                    },
                )
            }
            Some('"') => {
                let s = self.string();
                Node::Scalar(
                    Value::String(s),
                    Span {
                        start,
                        end: self.pos(),
                    },
                )
            }
            _ => {
                let from = self.i;
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && !matches!(c, ',' | '}' | ']'))
                {
                    self.bump();
                }
                let raw: String = self.chars[from..self.i].iter().collect();
                let value = serde_json::from_str(&raw).unwrap_or(Value::Null);
                Node::Scalar(
                    value,
                    Span {
                        start,
                        end: self.pos(),
                    },
                )
            }
        }
    }

    /// A string literal, decoded.
    fn string(&mut self) -> String {
        let from = self.i;
        self.bump(); // opening quote
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => break,
                _ => {}
            }
        }
        let raw: String = self.chars[from..self.i].iter().collect();
        serde_json::from_str(&raw).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_values() {
        let text = "{\n  \"Statement\": [{\"Action\": \"s3:Get\"}]\n}";
        let node = parse_located(text).ok().unwrap();
        let Node::Array(items, _) = node.get("Statement").unwrap() else {
            panic!()
        };
        let action = items[0].get("Action").unwrap();
        assert_eq!(action.as_str(), Some("s3:Get"));
        let span = action.span();
        assert_eq!(span.start.line, 2);
        assert_eq!(&text[span.start.offset..span.end.offset], "\"s3:Get\"");
        let bad = parse_located("{\"a\": }").err().unwrap();
        assert_eq!(bad.at.line, 1);
    }
}
