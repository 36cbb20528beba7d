// civicctl's commands for sealed forms (docs/sealing.md), run on a case
// worker's machine: they need no store.
#pragma once

#include <string>

namespace civic::tools {

// keygen DIR: a new key pair in DIR; prints the key id on stdout.
int keygen(const std::string& dir);

// open --key KEYS: stdin to stdout, each sealed thing opened with the
// secret key(s) of KEYS (a .secret file or a directory of them): a sealed
// file (the admin API's file download) becomes the file; JSON (a record,
// a page of the admin API, or JSON lines of civicctl submissions) and the
// admin API's CSV export become the JSON and CSV an unsealed form gives.
int open(const std::string& keys);

}  // namespace civic::tools
