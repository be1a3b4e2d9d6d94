// Tests of the saved render jobs: a finished job never comes back to life, two stores on one
// file (two server processes) keep each other's jobs, a job another process started is found,
// and finished jobs older than 30 days are dropped while unfinished ones stay.
#include "nemo/renders/RenderStore.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "../../support/TestUtil.h"

using nemo::renders::RenderJob;
using nemo::renders::RenderStore;

namespace {

RenderJob job(const std::string& id, const std::string& session = "sess_1") {
  RenderJob made;
  made.renderId = id;
  made.sessionId = session;
  return made;
}

}  // namespace

TEST_CASE("a change is saved; a finished job stays as it is", "[nemo][renders]") {
  nemo::test::TempDir dir;
  RenderStore store(dir / "renders.json");
  store.add(job("r1"));
  auto changed = store.change("r1", [](RenderJob& j) { j.status = "cancelled"; });
  REQUIRE(changed);
  CHECK(changed->status == "cancelled");
  // A poll that was under way when the user cancelled must not bring the job back.
  auto late = store.change("r1", [](RenderJob& j) { j.status = "rendering"; });
  CHECK(late->status == "cancelled");
  CHECK(RenderStore(dir / "renders.json").find("r1")->status == "cancelled");
  CHECK_FALSE(store.change("r_unknown", [](RenderJob&) {}));
}

TEST_CASE("two stores on one file keep each other's jobs and find them", "[nemo][renders]") {
  nemo::test::TempDir dir;
  RenderStore first(dir / "renders.json");
  RenderStore second(dir / "renders.json");
  first.add(job("r1"));
  second.add(job("r2"));
  first.change("r1", [](RenderJob& j) { j.progress = 50; });
  // Each wrote one job into the file as it was: both are there.
  RenderStore reader(dir / "renders.json");
  CHECK(reader.find("r1")->progress == 50);
  CHECK(reader.find("r2"));
  // A job the other process started after this one first read the file is found too.
  CHECK(first.find("r2"));
  CHECK(first.forSession("sess_1").size() == 2);
  CHECK(first.forSession("sess_2").empty());
}

TEST_CASE("finished jobs older than 30 days are dropped from the file; unfinished ones stay", "[nemo][renders]") {
  nemo::test::TempDir dir;
  {
    std::ofstream out(dir / "renders.json");
    out << R"({"renders":[
      {"render_id":"old_done","session_id":"s","status":"completed","updated_at":"2020-01-01T00:00:00Z"},
      {"render_id":"old_running","session_id":"s","status":"rendering","updated_at":"2020-01-01T00:00:00Z"}]})";
  }
  RenderStore store(dir / "renders.json");
  store.add(job("new"));
  RenderStore reader(dir / "renders.json");
  CHECK_FALSE(reader.find("old_done"));
  CHECK(reader.find("old_running"));  // a render is never orphaned by pruning
  CHECK(reader.find("new"));
}
