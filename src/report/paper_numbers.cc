// SPDX-License-Identifier: MIT
#include "report/paper_numbers.h"

namespace msf::report {

// Constraints the paper shares with another one ("same path") carry that
// configuration's own numbers: the archived TVM build of a duplicate holds
// the unfused network, so its workspace is not a measurement of the plan.
const std::vector<PublishedNetwork>& PublishedNetworks() {
  static const std::vector<PublishedNetwork> networks = {
      {"MBV2-w0.35 r144",
       {{"min-RAM", true, 7887, 8560, 1.6795, 1997.0, ""},
        {"F<=1.1", true, 67905, 67996, 1.0974, 961.9, ""},
        {"F<=1.3", true, 21288, 21389, 1.2976, 1313.7, ""},
        {"F<=1.5", true, 15340, 15199, 1.3820, 1412.1, "same path as F<=1.4"},
        {"16k", true, 15340, 15199, 1.3820, 1412.1, ""},
        {"32k", true, 25674, 25803, 1.2534, 1265.9, ""},
        {"64k", true, 63741, 63603, 1.2295, 1121.9, ""},
        {"128k", true, 83065, 83133, 1.0188, 947.4, ""},
        {"256k", true, 181440, 181440, 1.0000, 879.4, ""}},
       {{"vanilla (TVM)", 194.42, 808.1}, {"MCUNetV2", 62.99, 1513.1}, {"StreamNet-2D", 65.98, 417.2}}},
      {"MCUNet-VWW-5fps r80",
       {{"min-RAM", true, 12000, 15368, 1.9567, 1722.6, ""},
        {"F<=1.1", true, 32792, 45283, 1.0385, 696.6, ""},
        {"F<=1.3", true, 17760, 20568, 1.2956, 923.0, ""},
        {"F<=1.5", true, 13376, 17904, 1.3453, 931.6, "same path as F<=1.4"},
        {"16k", true, 13376, 17904, 1.3453, 931.6, ""},
        {"32k", true, 26128, 26240, 1.1131, 769.5, ""},
        {"64k", true, 38576, 45283, 1.0226, 685.0, ""},
        {"128k", true, 89600, 89600, 1.0000, 683.9, ""},
        {"256k", true, 89600, 89600, 1.0000, 683.9, "same path as 128k"}},
       {{"vanilla (TVM)", 95.99, 510.4}, {"MCUNetV2", 45.00, 810.4}, {"StreamNet-2D", 44.00, 225.5}}},
      {"MCUNet-320KB r176",
       {{"min-RAM", true, 42643, 51164, 2.6949, 19327.4, ""},
        {"F<=1.1", true, 190096, 217891, 1.0412, 4175.0, ""},
        {"F<=1.3", true, 186032, 217891, 1.2509, 4683.4, ""},
        {"F<=1.5", true, 94184, 94224, 1.4549, 5374.2, ""},
        {"16k", false, 0, 0, 0, 0, "infeasible"},
        {"32k", false, 0, 0, 0, 0, "infeasible"},
        {"64k", true, 62880, 63456, 2.0195, 9458.5, ""},
        {"128k", true, 94184, 94224, 1.4549, 5374.2, "same path as F<=1.5"},
        {"256k", true, 247808, 247808, 1.0000, 3928.0, ""}},
       {{"vanilla (TVM)", 309.77, 4400.0}, {"MCUNetV2", 214.98, 2777.8}, {"StreamNet-2D", 207.98, 1449.3}}},
  };
  return networks;
}

}  // namespace msf::report
