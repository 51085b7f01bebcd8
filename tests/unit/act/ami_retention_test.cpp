// ami-sync's two pure decisions: the name of a run's image (its schedule slot), and which of
// regionguard's images the retention retires — by count, by age (which moto cannot show: every
// image it makes is created "now"), never this run's image, never one still pending.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "act/dr/ami_sync.h"

namespace rg::act {
namespace {

using namespace std::chrono_literals;
namespace chr = std::chrono;

TimePoint at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return chr::time_point_cast<chr::microseconds>(chr::sys_days{chr::year{y} / chr::month{mo} / chr::day{d}} +
                                                 chr::hours{h} + chr::minutes{mi});
}

aws::ec2::Image image(std::string id, std::string name, TimePoint created, std::string state = "available") {
  aws::ec2::Image out;
  out.image_id = std::move(id);
  out.name = std::move(name);
  out.state = std::move(state);
  out.creation_date = created;
  return out;
}

std::vector<std::string> ids(const std::vector<aws::ec2::Image>& images) {
  std::vector<std::string> out;
  for (const auto& i : images) out.push_back(i.image_id);
  return out;
}

TEST(AmiImageName, IsTheScheduleSlot) {
  AmiSyncJobConfig job;
  job.name_prefix = "blog";
  job.schedule = CronSchedule::parse("0 3 * * *").value();
  EXPECT_EQ(ami_image_name(job, at(2026, 11, 21, 3, 20)), "blog-20261121-0300");  // a retry at 03:20
  EXPECT_EQ(ami_image_name(job, at(2026, 11, 21, 2, 59)), "blog-20261120-0300");  // before today's slot
  job.schedule = CronSchedule::parse("30 */6 * * *").value();
  EXPECT_EQ(ami_image_name(job, at(2026, 11, 21, 13, 0)), "blog-20261121-1230");
}

TEST(AmiImageName, WithoutAScheduleIsTheDay) {
  AmiSyncJobConfig job;
  EXPECT_EQ(ami_image_name(job, at(2026, 2, 3, 17, 45)), "regionguard-20260203-0000");
}

TEST(ImagesToRetire, KeepsTheNewestByNameWhateverTheCreationDates) {
  const auto now = at(2026, 11, 21, 3);
  // All created "now", as moto does: the slot in the name orders them.
  std::vector<aws::ec2::Image> images{image("ami-2", "blog-20261119-0300", now), image("ami-4", "blog-20261121-0300", now),
                                      image("ami-1", "blog-20261118-0300", now), image("ami-3", "blog-20261120-0300", now)};
  AmiRetention retention;
  retention.keep = 2;
  EXPECT_THAT(ids(images_to_retire(images, retention, now, {"ami-4"})), ::testing::ElementsAre("ami-2", "ami-1"));
  retention.keep = 4;
  EXPECT_TRUE(images_to_retire(images, retention, now, {"ami-4"}).empty());
}

TEST(ImagesToRetire, RetiresOlderThanMaxAgeEvenWithinTheCount) {
  const auto now = at(2026, 11, 21, 3);
  std::vector<aws::ec2::Image> images{image("ami-new", "blog-20261121-0300", now),
                                      image("ami-week", "blog-20261114-0300", now - 7 * 24h),
                                      image("ami-month", "blog-20261021-0300", now - 31 * 24h)};
  AmiRetention retention;
  retention.keep = 10;
  retention.max_age = 14 * 24h;
  EXPECT_THAT(ids(images_to_retire(images, retention, now, {"ami-new"})), ::testing::ElementsAre("ami-month"));
}

TEST(ImagesToRetire, NeverThisRunsImageNorAPendingOne) {
  const auto now = at(2026, 11, 21, 3);
  // This run's image sorts after a newer name (a clock set back) and is older than max_age: it is
  // still kept, as is the pending one (another run's, in progress) however old.
  std::vector<aws::ec2::Image> images{image("ami-mine", "blog-20261101-0300", now - 40 * 24h),
                                      image("ami-busy", "blog-20261001-0300", now - 60 * 24h, "pending"),
                                      image("ami-other", "blog-20261121-0300", now)};
  AmiRetention retention;
  retention.keep = 1;
  retention.max_age = 1h;
  EXPECT_TRUE(images_to_retire(images, retention, now, {"ami-mine"}).empty());
  // Not protected as this run's, it would go (the pending one stays either way).
  EXPECT_THAT(ids(images_to_retire(images, retention, now, {})), ::testing::ElementsAre("ami-mine"));
}

}  // namespace
}  // namespace rg::act
