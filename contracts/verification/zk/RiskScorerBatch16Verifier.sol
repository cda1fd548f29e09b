// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity 0.8.30;

contract RiskScorerBatch16Verifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 16997433317919181258877166823195225263637750221200314276998035444655770420692;
    uint256 constant alphay  = 12258172497117605171408977057735044087150381623441032944536023381245941554323;
    uint256 constant betax1  = 2451954636541112248512939489744218315708871989572464792144701822287668134362;
    uint256 constant betax2  = 19348582947235480221656258050340886103617415220171365272661080448019688741285;
    uint256 constant betay1  = 20356003474323941857081376409875927002241741711803315611032398659074616753051;
    uint256 constant betay2  = 9500109912123765611099324281159998194721760985320288975123147454199292165232;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 10181203563341786987118019753533337437828737082231181413361895549569301632613;
    uint256 constant deltax2 = 3629493029629672931466256019352824174866993798978744609279090856578817610380;
    uint256 constant deltay1 = 20945327809692729511793530339750127255173084356837034819240779181164097728396;
    uint256 constant deltay2 = 2665197351436140414388597080262605251751106860853556354207094706976100415961;

    
    uint256 constant IC0x = 13213257730645882557441999226274727469620284404136062464758796800326186843315;
    uint256 constant IC0y = 19201568490313109092321116437587379999831393311073322479299798087331896124701;
    
    uint256 constant IC1x = 12212247969078804212897844229075682219574768314147049941423228648090565423733;
    uint256 constant IC1y = 10800104417491342888262314342633322774316689103645448899990423829242412726368;
    
    uint256 constant IC2x = 2815293411866646771264455379953583583621584169181488984561259035396628755338;
    uint256 constant IC2y = 7452466697266404284154973134056239123699862883423710246255400168897624850760;
    
    uint256 constant IC3x = 3408511891883351780428044559644875613517867739741353767756596857460377514207;
    uint256 constant IC3y = 4736573942328093323826926936775127568570626091969598125521851071111481743716;
    
    uint256 constant IC4x = 11040243780544634039627788113766728770650483528017483685637403461438000516240;
    uint256 constant IC4y = 6258494884125378651848243033631257359408172236738044620773749750190291701015;
    
    uint256 constant IC5x = 117061238225026108522087045559672791286342341705308512002185567865772779423;
    uint256 constant IC5y = 5303359014848291037588816705141683173156563145187438293871496744538342133029;
    
    uint256 constant IC6x = 21711311847571463978720108243850213522944523652984236051460950356210011412306;
    uint256 constant IC6y = 19832398286948793772803534438794664117834547078121398017852689839061016388469;
    
    uint256 constant IC7x = 17955187091305000804527000510366967516654424614841672351804023484552345995352;
    uint256 constant IC7y = 12577405270218598724253877602047658018522284211107352640672866641491004284069;
    
    uint256 constant IC8x = 18512319092413590316279959716357526141793231982815609004040112998145872085575;
    uint256 constant IC8y = 10799725283398526445964602872278309097476428269289799143453762556283543035546;
    
    uint256 constant IC9x = 16875558936876503099223454306946644883235247403304575486085694687093468434340;
    uint256 constant IC9y = 12644874029419124248587481161277325149205471206805109046975056468737803226580;
    
    uint256 constant IC10x = 16298457080162724144667312933339205280034384341389614668085945334192626884901;
    uint256 constant IC10y = 3409757411836753074071509883788401850722821910038358981502074067663581367134;
    
    uint256 constant IC11x = 13040368935092546591555783284752933158510844788135558323339279559311406703650;
    uint256 constant IC11y = 19753558419902430501197720828715899873480811743612794927311760558387821816679;
    
    uint256 constant IC12x = 21868677458304102946746118683351882416132754675204816091770453282108303856028;
    uint256 constant IC12y = 8810206499333926211834291071307089238301927288534114021407000186096602888443;
    
    uint256 constant IC13x = 3075103216682427794923698461229953325252714629144498548560217820912897985811;
    uint256 constant IC13y = 8760091177901118404382370429655603949901464309289405015460465783050229413856;
    
    uint256 constant IC14x = 15987267447782341114042474670755020829525873975410527347490401696069450811176;
    uint256 constant IC14y = 8793377305609582987883194520390628207971422242035819496525431581620364116445;
    
    uint256 constant IC15x = 17339955549601721024337434628761037599475672427471594352590647307004035415884;
    uint256 constant IC15y = 14818703392757149052625927621054111016421046175920360451525323503373284427576;
    
    uint256 constant IC16x = 13550512961564321101098869834361065825041841503826882650275819149765180244050;
    uint256 constant IC16y = 20824856978609374766321537840177022347157924660298907098804287273645754721865;
    
    uint256 constant IC17x = 7014720109793893039025778905349266963268165540945697114486177923126707661346;
    uint256 constant IC17y = 2349017855174538351765917099119098235431214068151915528196523918673414470688;
    
    uint256 constant IC18x = 4984037004807147445569932261745029841041399630556121293375467747383784240791;
    uint256 constant IC18y = 1664451114908422704757971426328058250858106647609945317613359951730755131483;
    
    uint256 constant IC19x = 3077014940450652569010042192171824975909668746333731852248237723508806010566;
    uint256 constant IC19y = 14437100576710103070213337184813264298492494929844371465569476528952010347677;
    
    uint256 constant IC20x = 16610172749279981686812015578728162494517665568168027523855067049009204200549;
    uint256 constant IC20y = 20386866609960096976539287357450249608122217605458048295645561207068915243149;
    
    uint256 constant IC21x = 1915369354227564446190592179104778233619143372846427057176001358213149486363;
    uint256 constant IC21y = 15582073096831448673785516886736984569336332988970530504518391679595532919037;
    
    uint256 constant IC22x = 12817296017706697324807514645279614572674876092830585351617145047475487319415;
    uint256 constant IC22y = 2514691970586162772541091738139055178812175295190575538007264394328962265252;
    
    uint256 constant IC23x = 14302160936306631726544468065961641473520294038336271407802941810487916015252;
    uint256 constant IC23y = 20633825932044967279073781930477204047808261748473747501010099602297523797529;
    
    uint256 constant IC24x = 13979253304526641367021754585704338246254375316907264249600916986770204042764;
    uint256 constant IC24y = 21499483384381742458144588895517655118628875877892735751662108602035303121971;
    
    uint256 constant IC25x = 15719688383093686845617075753328083054165893587210480805555645766039064186917;
    uint256 constant IC25y = 6335493035696892912953808993029523586024610328909447984150238081468897015121;
    
    uint256 constant IC26x = 15860628559747113612390972991046517499732127516607902468397867867019740302752;
    uint256 constant IC26y = 20333766628935813321825553379274912368150881045728401893572464612019249658369;
    
    uint256 constant IC27x = 7806829644975042377437911607858353871857788821300754408919640473297992031684;
    uint256 constant IC27y = 1248025662610319239981263276777751780710696851731588435190066462799831886807;
    
    uint256 constant IC28x = 18652578536800818921690345683424688361757372447778571892393772208096688467045;
    uint256 constant IC28y = 6859021158254630058217581771113036983530697369114336730986325433424041223726;
    
    uint256 constant IC29x = 14956242997486334672120146331171819846876844242868827407565632701630203110886;
    uint256 constant IC29y = 10104241904310031774551868684277640727975645915502229884721841209773837992218;
    
    uint256 constant IC30x = 16872307501250483880989176359666178038160592378707134773783967623643024206478;
    uint256 constant IC30y = 1140391109781238288209755102188175799180679885292645568487416344432566739836;
    
    uint256 constant IC31x = 3154428907211563488748524484452155236463939109926083341528617079001234902557;
    uint256 constant IC31y = 10391955201841167493991046376055259585308275838405005517302310756131334274715;
    
    uint256 constant IC32x = 8530992448459655253952926737932833735394160019290185808523982066872575205182;
    uint256 constant IC32y = 12190172957307451754001245498791138177581615932564712523884958885836546378781;
    
    uint256 constant IC33x = 4988870236609568957341375634675608141284197821552110566703283060316230209586;
    uint256 constant IC33y = 703519153972014296050080807610895839959447074764287438549017662033071890636;
    
    uint256 constant IC34x = 21193675500527077492678078374657838028164563565710791956704762571609891607637;
    uint256 constant IC34y = 8072685001991142748384457238543074879384478696195711473384595293078375753603;
    
    uint256 constant IC35x = 10724017500285889305387170770328887764895406566956801763361365947794037248744;
    uint256 constant IC35y = 15232578866866276695392756368783977416497903245256352420580410870230276309299;
    
    uint256 constant IC36x = 16747859759456475306249292359067579881375204569093908018985084843436287766098;
    uint256 constant IC36y = 19190751091483415786379137971191911759030169456786458058063601141425201762560;
    
    uint256 constant IC37x = 7938587628322491833790196635746882083124371227724173943475264119550147264048;
    uint256 constant IC37y = 21167719069100090165557864766224293552252693816994023367114961841590133108006;
    
    uint256 constant IC38x = 5535019762002269750783891783784967149403034902019601950078129945635137321145;
    uint256 constant IC38y = 18216737200653806787833202520816105281035460509887694426882819507673455489379;
    
    uint256 constant IC39x = 16616133905465645195046011229378925943493506292618404383412738886555282729731;
    uint256 constant IC39y = 8513923932574578147160285311270425030770101150750369518155540948584501927566;
    
    uint256 constant IC40x = 12417569748058014426381227240727152341557563162647506032747037141239997727348;
    uint256 constant IC40y = 3566921275807381704299494434746972252078077193922383543083805579047562337457;
    
    uint256 constant IC41x = 14307448060635139165080652816099124767131195293176087619525034618388800164765;
    uint256 constant IC41y = 17221873079841683748262398508865141853372374727141548136557485035431318122002;
    
    uint256 constant IC42x = 3055466876097781680139646374421532158450821353733374238802807116987708114881;
    uint256 constant IC42y = 3866640736836376360341941164947294601453284878604256840146970713983726032641;
    
    uint256 constant IC43x = 6414517592407420187313993884080078534209288345304632657343823150877862880843;
    uint256 constant IC43y = 5246748411937862542766329173440639421487565183134098032935330289194054322067;
    
    uint256 constant IC44x = 21603471543215953529005333619605386407939555007457630892784944177740384926673;
    uint256 constant IC44y = 12691000066409677623481703444504003210190104678473703682970131961241596303671;
    
    uint256 constant IC45x = 2455428390998365805518320345146641604007432288845326259770722231638103996050;
    uint256 constant IC45y = 14915724047262810750457147207918110542667292342831132520434694951066392652775;
    
    uint256 constant IC46x = 8791517682334008646400467435067282603745799212776830640594870420237865665617;
    uint256 constant IC46y = 6276685131611538885748509909216134502272480561661561842664483754610482955530;
    
    uint256 constant IC47x = 21009291531656908673488384099195367362848469011244015320781603816046394366677;
    uint256 constant IC47y = 9375962654804057090726665420387748652455265825949983725852325672343523187238;
    
    uint256 constant IC48x = 15985349849282793729165199982767703067312804432264917939272271493909539266378;
    uint256 constant IC48y = 19692332758799992749240565023783033657824262000113445800346170501111431915006;
    
    uint256 constant IC49x = 4697525230924161138369617624710755743224695813977384193106477158713176973975;
    uint256 constant IC49y = 13145410624122534793630545308802197264160825888571051582486072254196916668630;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[49] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                
                g1_mulAccC(_pVk, IC13x, IC13y, calldataload(add(pubSignals, 384)))
                
                g1_mulAccC(_pVk, IC14x, IC14y, calldataload(add(pubSignals, 416)))
                
                g1_mulAccC(_pVk, IC15x, IC15y, calldataload(add(pubSignals, 448)))
                
                g1_mulAccC(_pVk, IC16x, IC16y, calldataload(add(pubSignals, 480)))
                
                g1_mulAccC(_pVk, IC17x, IC17y, calldataload(add(pubSignals, 512)))
                
                g1_mulAccC(_pVk, IC18x, IC18y, calldataload(add(pubSignals, 544)))
                
                g1_mulAccC(_pVk, IC19x, IC19y, calldataload(add(pubSignals, 576)))
                
                g1_mulAccC(_pVk, IC20x, IC20y, calldataload(add(pubSignals, 608)))
                
                g1_mulAccC(_pVk, IC21x, IC21y, calldataload(add(pubSignals, 640)))
                
                g1_mulAccC(_pVk, IC22x, IC22y, calldataload(add(pubSignals, 672)))
                
                g1_mulAccC(_pVk, IC23x, IC23y, calldataload(add(pubSignals, 704)))
                
                g1_mulAccC(_pVk, IC24x, IC24y, calldataload(add(pubSignals, 736)))
                
                g1_mulAccC(_pVk, IC25x, IC25y, calldataload(add(pubSignals, 768)))
                
                g1_mulAccC(_pVk, IC26x, IC26y, calldataload(add(pubSignals, 800)))
                
                g1_mulAccC(_pVk, IC27x, IC27y, calldataload(add(pubSignals, 832)))
                
                g1_mulAccC(_pVk, IC28x, IC28y, calldataload(add(pubSignals, 864)))
                
                g1_mulAccC(_pVk, IC29x, IC29y, calldataload(add(pubSignals, 896)))
                
                g1_mulAccC(_pVk, IC30x, IC30y, calldataload(add(pubSignals, 928)))
                
                g1_mulAccC(_pVk, IC31x, IC31y, calldataload(add(pubSignals, 960)))
                
                g1_mulAccC(_pVk, IC32x, IC32y, calldataload(add(pubSignals, 992)))
                
                g1_mulAccC(_pVk, IC33x, IC33y, calldataload(add(pubSignals, 1024)))
                
                g1_mulAccC(_pVk, IC34x, IC34y, calldataload(add(pubSignals, 1056)))
                
                g1_mulAccC(_pVk, IC35x, IC35y, calldataload(add(pubSignals, 1088)))
                
                g1_mulAccC(_pVk, IC36x, IC36y, calldataload(add(pubSignals, 1120)))
                
                g1_mulAccC(_pVk, IC37x, IC37y, calldataload(add(pubSignals, 1152)))
                
                g1_mulAccC(_pVk, IC38x, IC38y, calldataload(add(pubSignals, 1184)))
                
                g1_mulAccC(_pVk, IC39x, IC39y, calldataload(add(pubSignals, 1216)))
                
                g1_mulAccC(_pVk, IC40x, IC40y, calldataload(add(pubSignals, 1248)))
                
                g1_mulAccC(_pVk, IC41x, IC41y, calldataload(add(pubSignals, 1280)))
                
                g1_mulAccC(_pVk, IC42x, IC42y, calldataload(add(pubSignals, 1312)))
                
                g1_mulAccC(_pVk, IC43x, IC43y, calldataload(add(pubSignals, 1344)))
                
                g1_mulAccC(_pVk, IC44x, IC44y, calldataload(add(pubSignals, 1376)))
                
                g1_mulAccC(_pVk, IC45x, IC45y, calldataload(add(pubSignals, 1408)))
                
                g1_mulAccC(_pVk, IC46x, IC46y, calldataload(add(pubSignals, 1440)))
                
                g1_mulAccC(_pVk, IC47x, IC47y, calldataload(add(pubSignals, 1472)))
                
                g1_mulAccC(_pVk, IC48x, IC48y, calldataload(add(pubSignals, 1504)))
                
                g1_mulAccC(_pVk, IC49x, IC49y, calldataload(add(pubSignals, 1536)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            
            checkField(calldataload(add(_pubSignals, 384)))
            
            checkField(calldataload(add(_pubSignals, 416)))
            
            checkField(calldataload(add(_pubSignals, 448)))
            
            checkField(calldataload(add(_pubSignals, 480)))
            
            checkField(calldataload(add(_pubSignals, 512)))
            
            checkField(calldataload(add(_pubSignals, 544)))
            
            checkField(calldataload(add(_pubSignals, 576)))
            
            checkField(calldataload(add(_pubSignals, 608)))
            
            checkField(calldataload(add(_pubSignals, 640)))
            
            checkField(calldataload(add(_pubSignals, 672)))
            
            checkField(calldataload(add(_pubSignals, 704)))
            
            checkField(calldataload(add(_pubSignals, 736)))
            
            checkField(calldataload(add(_pubSignals, 768)))
            
            checkField(calldataload(add(_pubSignals, 800)))
            
            checkField(calldataload(add(_pubSignals, 832)))
            
            checkField(calldataload(add(_pubSignals, 864)))
            
            checkField(calldataload(add(_pubSignals, 896)))
            
            checkField(calldataload(add(_pubSignals, 928)))
            
            checkField(calldataload(add(_pubSignals, 960)))
            
            checkField(calldataload(add(_pubSignals, 992)))
            
            checkField(calldataload(add(_pubSignals, 1024)))
            
            checkField(calldataload(add(_pubSignals, 1056)))
            
            checkField(calldataload(add(_pubSignals, 1088)))
            
            checkField(calldataload(add(_pubSignals, 1120)))
            
            checkField(calldataload(add(_pubSignals, 1152)))
            
            checkField(calldataload(add(_pubSignals, 1184)))
            
            checkField(calldataload(add(_pubSignals, 1216)))
            
            checkField(calldataload(add(_pubSignals, 1248)))
            
            checkField(calldataload(add(_pubSignals, 1280)))
            
            checkField(calldataload(add(_pubSignals, 1312)))
            
            checkField(calldataload(add(_pubSignals, 1344)))
            
            checkField(calldataload(add(_pubSignals, 1376)))
            
            checkField(calldataload(add(_pubSignals, 1408)))
            
            checkField(calldataload(add(_pubSignals, 1440)))
            
            checkField(calldataload(add(_pubSignals, 1472)))
            
            checkField(calldataload(add(_pubSignals, 1504)))
            
            checkField(calldataload(add(_pubSignals, 1536)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
