// Routes short direct commands away from the chat stream: keywords decide the intent, and a
// closed vocabulary of harmless companion words keeps creative requests in chat.
#include "nemo/chat/IntentRouter.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <vector>

namespace nemo::chat {

namespace {

constexpr std::size_t kMaxWords = 8;
constexpr std::size_t kMaxCodePoints = 40;

struct Vocabulary {
  Intent intent;
  std::vector<std::string_view> keywords;       // English, whole words
  // Nouns that decide the intent only when no other intent's keyword does: "show tracks" is
  // state, "export the timeline" is export.
  std::vector<std::string_view> weakKeywords;
  std::vector<std::string_view> chineseKeywords;  // by substring
  std::vector<std::string_view> companions;     // English words that may stand beside a keyword
  bool allowsPaths;
};

const std::array<Vocabulary, 4>& vocabularies() {
  static const std::array<Vocabulary, 4> kVocabularies = {{
      {Intent::Export,
       {"export", "download", "render"},
       {},
       {"导出", "下载", "渲染", "发给我"},
       {"mp4", "1080p", "720p", "4k", "hd", "final", "finished", "file", "result", "movie", "clip", "as", "high",
        "quality", "desktop", "downloads", "folder", "disk", "computer", "locally", "local", "save", "out", "send",
        "give", "timeline", "project"},
       true},
      {Intent::Credits,
       {"credits", "credit", "balance"},
       {},
       {"积分", "余额"},
       {"left", "remaining", "remain", "much", "many", "account", "still", "available", "free"},
       false},
      {Intent::State,
       {"status", "state"},
       {"tracks", "timeline"},
       {"状态", "轨道", "时间线", "时间轴"},
       {"project", "session", "summary", "list", "draft", "track"},
       false},
      {Intent::Upload,
       {"upload", "import"},
       {},
       {"上传", "导入"},
       {"file", "files", "videos", "photo", "photos", "image", "images", "picture", "pictures", "clip", "clips",
        "them", "footage", "media", "audio", "music", "song", "logo", "some", "mp4", "mov", "jpg", "png", "mp3",
        "wav", "from", "computer"},
       true},
  }};
  return kVocabularies;
}

// Words that change nothing about what is asked, in any intent.
const std::set<std::string_view>& fillers() {
  static const std::set<std::string_view> kFillers = {
      "please", "pls", "plz", "can", "could", "would", "will", "you", "u", "i", "i'd", "i'm", "id", "me", "my",
      "mine", "our", "the", "this", "that", "these", "those", "it", "its", "a", "an", "now", "just", "ok", "okay",
      "hey", "hi", "so", "then", "and", "to", "for", "of", "on", "in", "at", "is", "are", "was", "what", "what's",
      "whats", "how", "do", "does", "did", "have", "has", "got", "show", "check", "see", "view", "get", "tell",
      "let", "let's", "lets", "want", "wanna", "need", "like", "go", "ahead", "ready", "current", "currently",
      "again", "thanks", "thank", "yes", "right", "all", "here", "video", "nemo", "with", "there", "where"};
  return kFillers;
}

// Chinese companions, removed after the keywords; longer ones first so 看一下 goes before 看.
const std::vector<std::string_view>& chineseFillers() {
  static const std::vector<std::string_view> kFillers = [] {
    std::vector<std::string_view> words = {
        "请", "帮我", "帮忙", "麻烦", "给我", "我的", "我们", "我", "的", "一下", "视频", "文件", "这个", "那个",
        "这些", "把", "吧", "吗", "呢", "啊", "了", "现在", "马上", "立即", "立刻", "查看", "看看", "看一下", "看",
        "查询", "查", "显示", "当前", "目前", "现有", "还有", "还剩", "剩余", "剩下", "多少", "几", "个", "是",
        "什么", "怎么样", "如何", "最终", "成品", "高清", "我要", "我想", "想", "要", "可以", "能", "能否", "你",
        "您", "账户", "账号", "情况", "上", "里", "中", "有", "哪些", "照片", "图片", "素材", "音乐", "成", "格式",
        "到", "本地", "电脑", "好", "全部", "所有", "项目", "帮", "给", "下"};
    std::stable_sort(words.begin(), words.end(), [](auto a, auto b) { return a.size() > b.size(); });
    return words;
  }();
  return kFillers;
}

// A path or URL is an argument (the file to upload, where to save), not a word of the request.
bool isPathOrUrl(std::string_view token) {
  return token.find("://") != std::string_view::npos || token.find('/') != std::string_view::npos ||
         token.find('\\') != std::string_view::npos || token.front() == '~';
}

std::size_t codePoints(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// CJK and general punctuation (、。「」，！？…) separates like ASCII punctuation does.
bool isSeparatorCodePoint(char32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

struct Words {
  std::vector<std::string> english;  // lowercased
  std::vector<std::string> other;    // runs of non-ASCII text, Chinese mostly
};

// Splits one whitespace-free token into English words and runs of other script.
void splitToken(std::string_view token, Words& words) {
  std::string english;
  std::string other;
  auto flush = [&] {
    if (!english.empty()) words.english.push_back(std::move(english));
    if (!other.empty()) words.other.push_back(std::move(other));
    english.clear();
    other.clear();
  };
  for (std::size_t i = 0; i < token.size();) {
    const unsigned char c = static_cast<unsigned char>(token[i]);
    if (c < 0x80) {
      if (!other.empty()) flush();
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
        english.push_back(static_cast<char>(c));
      } else if (c >= 'A' && c <= 'Z') {
        english.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        flush();
      }
      ++i;
      continue;
    }
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    length = std::min(length, token.size() - i);
    char32_t cp = length == 1 ? c : c & (0xFF >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(token[i + k]) & 0x3F);
    if (cp == 0x2018 || cp == 0x2019) {  // typographic apostrophes, as in "what’s"
      if (!other.empty()) flush();
      english.push_back('\'');
    } else if (isSeparatorCodePoint(cp)) {
      flush();
    } else {
      if (!english.empty()) flush();
      other.append(token.substr(i, length));
    }
    i += length;
  }
  flush();
}

bool contains(const std::vector<std::string_view>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::optional<std::string> findKeyword(const Vocabulary& vocabulary, const Words& words, bool weak) {
  const auto& english = weak ? vocabulary.weakKeywords : vocabulary.keywords;
  for (const std::string& word : words.english) {
    if (contains(english, word)) return word;
  }
  if (weak) return std::nullopt;
  for (const std::string& run : words.other) {
    for (std::string_view candidate : vocabulary.chineseKeywords) {
      if (run.find(candidate) != std::string::npos) return std::string(candidate);
    }
  }
  return std::nullopt;
}

// "send me the video", "give me the mp4": export without its keyword, when the file is named.
const Vocabulary* sentFileRequest(const std::vector<std::string>& english) {
  const bool verb = std::any_of(english.begin(), english.end(), [](const std::string& w) { return w == "send" || w == "give"; });
  const bool object = std::any_of(english.begin(), english.end(), [](const std::string& w) {
    return w == "video" || w == "mp4" || w == "movie" || w == "file" || w == "result" || w == "it";
  });
  return verb && object ? &vocabularies()[0] : nullptr;
}

void eraseAll(std::string& text, std::string_view word) {
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at)) text.erase(at, word.size());
}

}  // namespace

IntentMatch matchIntent(std::string_view message) {
  const IntentMatch chat;
  std::vector<std::string_view> tokens;
  for (std::size_t i = 0; i < message.size();) {
    while (i < message.size() && isSpace(message[i])) ++i;
    const std::size_t start = i;
    while (i < message.size() && !isSpace(message[i])) ++i;
    if (i > start) tokens.push_back(message.substr(start, i - start));
  }
  if (tokens.empty() || tokens.size() > kMaxWords) return chat;

  Words words;
  bool hasPath = false;
  std::size_t length = tokens.size() - 1;  // the single spaces between words
  for (std::string_view token : tokens) {
    if (isPathOrUrl(token)) {
      hasPath = true;
      length += 1;
      continue;
    }
    length += codePoints(token);
    splitToken(token, words);
  }
  if (length > kMaxCodePoints) return chat;

  // Exactly one intent's keywords may appear; which one decides the vocabulary that follows.
  const Vocabulary* chosen = nullptr;
  std::string keyword;
  for (bool weak : {false, true}) {
    for (const Vocabulary& vocabulary : vocabularies()) {
      auto found = findKeyword(vocabulary, words, weak);
      if (!found) continue;
      if (chosen) return chat;
      chosen = &vocabulary;
      keyword = *found;
    }
    if (chosen) break;
  }
  if (!chosen) {
    chosen = sentFileRequest(words.english);
    if (chosen) keyword = "send";
  }
  if (!chosen || (hasPath && !chosen->allowsPaths)) return chat;

  for (const std::string& word : words.english) {
    if (!contains(chosen->keywords, word) && !contains(chosen->weakKeywords, word) &&
        !contains(chosen->companions, word) && !fillers().contains(word)) {
      return chat;
    }
  }
  for (std::string run : words.other) {
    for (std::string_view candidate : chosen->chineseKeywords) eraseAll(run, candidate);
    for (std::string_view filler : chineseFillers()) eraseAll(run, filler);
    if (!run.empty()) return chat;
  }
  return IntentMatch{chosen->intent, keyword};
}

Intent routeIntent(std::string_view message) { return matchIntent(message).intent; }

std::string_view intentName(Intent intent) {
  switch (intent) {
    case Intent::Chat: return "chat";
    case Intent::Export: return "export";
    case Intent::Credits: return "credits";
    case Intent::State: return "state";
    case Intent::Upload: return "upload";
  }
  return "chat";
}

}  // namespace nemo::chat
