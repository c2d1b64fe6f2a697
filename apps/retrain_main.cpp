// The one generic main every retrain_<tf> binary is generated from (cmake/MtfRetrainBinary.cmake).
#include MTF_POLICY_HEADER
int main() { static_assert(mtf::TimeframePolicy<MTF_POLICY_TYPE>); return 0; }
