/*
 * words.h — the `words` library of the rule sandbox (words.c): a text
 * against a list of words, in one pass of C (rules/README.md documents it).
 */
#ifndef ENGINE_WORDS_H
#define ENGINE_WORDS_H

#include <lua.h>

#define WORDS_LIBNAME "words"

/* Pushes the library table. */
int luaopen_words(lua_State *L);

#endif
