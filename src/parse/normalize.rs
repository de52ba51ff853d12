//! Text rules shared by the parser and the differ.
