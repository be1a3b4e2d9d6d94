// Tests of the saved render job: both vocabularies of status words, the progress line, and a
// record that survives a round trip through the file (and an edited file with wrong types).
#include "nemo/renders/RenderJob.h"

#include <catch2/catch.hpp>

using nemo::renders::normalizeRenderStatus;
using nemo::renders::RenderJob;
using nlohmann::json;

TEST_CASE("status words of both answer shapes map to our vocabulary", "[nemo][renders]") {
  CHECK(normalizeRenderStatus("SUCCEEDED") == "completed");
  CHECK(normalizeRenderStatus("done") == "completed");
  CHECK(normalizeRenderStatus("error") == "failed");
  CHECK(normalizeRenderStatus("canceled") == "cancelled");
  CHECK(normalizeRenderStatus("queued") == "pending");
  CHECK(normalizeRenderStatus("") == "pending");
  CHECK(normalizeRenderStatus("in_progress") == "rendering");
}

TEST_CASE("the progress line says how far the job is", "[nemo][renders]") {
  RenderJob job;
  job.status = "pending";
  CHECK(nemo::renders::renderProgressText(job) == "Waiting for a render slot");
  job.status = "rendering";
  job.progress = 44.7;
  CHECK(nemo::renders::renderProgressText(job) == "Rendering 44%");
  job.status = "downloading";
  CHECK(nemo::renders::renderProgressText(job) == "Downloading the MP4");
}

TEST_CASE("a job survives the file; fields of another type read as missing", "[nemo][renders]") {
  RenderJob job;
  job.renderId = "render_1_abcdefgh";
  job.sessionId = "sess_1";
  job.status = "not_saved";
  job.progress = 100;
  job.outputDir = "/tmp/out";
  job.fileStem = "Promo";
  job.size = 65536;
  auto back = RenderJob::fromJson(job.toJson());
  CHECK(back.renderId == job.renderId);
  CHECK(back.status == "not_saved");
  CHECK_FALSE(back.finished());  // not saved yet: the next export downloads it again
  CHECK(back.outputDir == job.outputDir);
  CHECK(back.size == 65536);

  auto edited = job.toJson();
  edited["size"] = "big";
  edited["render_id"] = json::array();
  edited["progress"] = nullptr;
  auto read = RenderJob::fromJson(edited);
  CHECK(read.size == 0);
  CHECK(read.renderId.empty());
  CHECK(read.progress == 0);
}
